"""The joint committee's pages: the committee, deliberation, joint services (with the public request form and the
private feedback link), resource sharing. Thin: access, form, service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.access import Need, has_any, rank_on
from chuxin.core.forms import add_service_errors, run_service
from chuxin.core.public_forms import rate_limit
from chuxin.plans.selectors import plan_items_of_year

from . import selectors, services
from .access import HANDLER, OWNER, runs, seat_of
from .forms import (
    BookingForm,
    CloseForm,
    CommentForm,
    ProposalForm,
    PublicRequestForm,
    RatingForm,
    ReplyForm,
    ResourceForm,
    RouteForm,
    SeatForm,
    TaskForm,
    VoteForm,
)
from .models import Booking, Proposal, ServiceRequest

REQUESTS_PER_HOUR = 5  # real submissions from one address in an hour


@login_required
@require_GET
def home_view(request):
    hosts = list(selectors.committees(request.user)[:100])
    if not hosts and not has_any(request.user, Need.READ):
        raise PermissionDenied
    return render(request, "joint/home.html", {"hosts": hosts})


@login_required
@require_GET
def committee_view(request, pk: int):
    host = selectors.access_host(request.user, pk)
    status = request.GET.get("status", "") if request.GET.get("status") in ServiceRequest.Status.values else ""
    return render(request, "joint/committee.html", {
        "host": host, "runs": runs(request.user, host), "seat": seat_of(request.user, host.pk),
        "seats": selectors.seats(host), "proposals": selectors.proposals(host)[:30],
        "requests": selectors.requests(host, status=status)[:50], "status": status,
        "statuses": ServiceRequest.Status.choices, "resources": selectors.resources(host),
        "public_url": request.build_absolute_uri(reverse("joint:ask", args=[host.pk]))})


# ---------------------------------------------------------------------------------------------------------------
# Members


@login_required
@require_http_methods(["GET", "POST"])
def seats_view(request, pk: int):
    host = selectors.access_host(request.user, pk)
    if not runs(request.user, host):
        raise PermissionDenied
    form = SeatForm(request.POST or None, units=selectors.partner_units(host))
    if request.method == "POST" and form.is_valid():
        try:
            services.seat_add(actor=request.user, host=host, user=form.cleaned_data["username"],
                              name=form.cleaned_data["name"], partner_unit=form.cleaned_data["partner_unit"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The member sits on the joint committee."))
            return redirect("joint:seats", pk=host.pk)
    return render(request, "joint/seats.html", {"host": host, "form": form, "seats": selectors.seats(host)})


@login_required
@require_POST
def seat_end_view(request, pk: int):
    seat = selectors.access_seat(request.user, pk, need=Need.MANAGE)
    services.seat_end(actor=request.user, seat=seat)
    messages.success(request, _("The member no longer sits on the joint committee."))
    return redirect("joint:seats", pk=seat.host_id)


# ---------------------------------------------------------------------------------------------------------------
# Deliberation


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create_view(request, pk: int):
    host = selectors.access_host(request.user, pk)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(actor=request.user, host=host, token=form.token,
                                                **{k: form.cleaned_data[k] for k in ProposalForm.Meta.fields})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(proposal)
    return render(request, "joint/proposal_form.html", {"host": host, "form": form})


@login_required
@require_GET
def proposal_view(request, pk: int):
    proposal = selectors.access_proposal(request.user, pk, need=Need.READ)
    seat = seat_of(request.user, proposal.host_id)
    mine = proposal.votes.filter(seat=seat).first() if seat else None
    return render(request, "joint/proposal.html", {
        "proposal": proposal, "host": proposal.host, "runs": runs(request.user, proposal.host), "seat": seat,
        "comments": proposal.comments.all(), "comment_form": CommentForm(),
        "vote_form": VoteForm(initial={"choice": mine.choice if mine else None}), "my_vote": mine,
        "votes_cast": proposal.votes.count(), "seats": selectors.seats(proposal.host).count(),
        "close_form": CloseForm()})


@login_required
@require_POST
def comment_view(request, pk: int):
    proposal = selectors.access_proposal(request.user, pk, need=Need.READ)
    form = CommentForm(request.POST)
    if form.is_valid():
        run_service(request, lambda: services.comment_add(actor=request.user, proposal=proposal,
                                                          text=form.cleaned_data["text"], token=form.token))
    else:
        messages.error(request, _("Write a comment first."))
    return redirect(proposal)


@login_required
@require_POST
def vote_view(request, pk: int):
    proposal = selectors.access_proposal(request.user, pk, need=Need.READ)
    if seat_of(request.user, proposal.host_id) is None:
        raise PermissionDenied
    form = VoteForm(request.POST)
    if form.is_valid():
        run_service(request, lambda: services.vote_cast(actor=request.user, proposal=proposal,
                                                        choice=form.cleaned_data["choice"]),
                    success=_("Your vote is recorded; you may change it until the vote closes."))
    else:
        messages.error(request, _("Choose in favour, against or abstain."))
    return redirect(proposal)


@login_required
@require_POST
def proposal_step_view(request, pk: int):
    proposal = selectors.access_proposal(request.user, pk, need=Need.MANAGE)
    if request.POST.get("step") == "close":
        form = CloseForm(request.POST)
        decision = form.cleaned_data["decision"] if form.is_valid() else ""
        run_service(request, lambda: services.proposal_close(actor=request.user, proposal=proposal,
                                                             decision=decision), success=_("The vote is closed."))
    else:
        run_service(request, lambda: services.voting_open(actor=request.user, proposal=proposal),
                    success=_("The proposal is put to the vote."))
    return redirect(proposal)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_task_view(request, pk: int):
    proposal = selectors.access_proposal(request.user, pk, need=Need.MANAGE)
    items = plan_items_of_year(proposal.host, timezone.localdate().year)
    form = TaskForm(request.POST or None, items=items, initial={"title": proposal.title})
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_task(actor=request.user, proposal=proposal, token=form.token,
                                   **{k: form.cleaned_data[k] for k in ("plan_item", "title", "start_on", "due_on")})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The task is in the plan."))
            return redirect(proposal)
    allowed = proposal.outcome == Proposal.Outcome.ADOPTED and proposal.asks_for_work
    return render(request, "joint/task_form.html", {"proposal": proposal, "host": proposal.host, "form": form,
                                                    "has_items": items.exists(), "allowed": allowed})


# ---------------------------------------------------------------------------------------------------------------
# Joint services


@require_http_methods(["GET", "POST"])
def ask_view(request, pk: int):
    """The public request form: no login, nothing personal shown; the requester gets their private link. Each
    address may file a few requests an hour (chuxin.core.public_forms); a refused flood writes nothing."""
    host = selectors.public_host(pk)
    form = PublicRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if rate_limit(request, "joint_request", limit=REQUESTS_PER_HOUR, window=3600):
            return render(request, "errors/429.html", {"window_minutes": 60}, status=429)
        try:
            filed = services.request_file(host=host, **{k: form.cleaned_data[k] for k in PublicRequestForm.Meta.fields})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("joint:feedback", token=filed.token)
    return render(request, "joint/ask.html", {"host": host, "form": form})


@require_http_methods(["GET", "POST"])
def feedback_view(request, token: str):
    """The requester's private page (the link is the key): the state, the reply, and the rating once answered."""
    filed = selectors.request_by_token(token)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_rate(token=token, rating=form.cleaned_data["rating"],
                                  feedback=form.cleaned_data["feedback"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("joint:feedback", token=token)
    response = render(request, "joint/feedback.html", {"filed": filed, "form": form,
                                                       "link": request.build_absolute_uri()})
    response["Referrer-Policy"] = "same-origin"  # the link is the key: never send it to another site
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def request_view(request, pk: int):
    filed = selectors.access_request(request.user, pk, need=Need.READ)
    may_route = runs(request.user, filed.host)
    may_reply = may_route or HANDLER.holds(request.user, filed, Need.MANAGE)
    # The requester's name and contact: for those who handle it (and the host's own readers), not every partner.
    show_contact = may_reply or rank_on(request.user, filed.host.path) >= Need.READ
    return render(request, "joint/request.html", {
        "filed": filed, "host": filed.host, "may_route": may_route, "may_reply": may_reply,
        "show_contact": show_contact,
        "route_form": RouteForm(units=selectors.partner_units(filed.host),
                                initial={"partner_unit": filed.partner_unit_id, "due_on": filed.due_on}),
        "reply_form": ReplyForm(initial={"reply": filed.reply})})


@login_required
@require_POST
def request_route_view(request, pk: int):
    filed = selectors.access_request(request.user, pk, need=Need.MANAGE)
    form = RouteForm(request.POST, units=selectors.partner_units(filed.host))
    if not runs(request.user, filed.host):
        raise PermissionDenied
    if form.is_valid():
        run_service(request, lambda: services.request_route(actor=request.user, asked=filed,
                                                            partner_unit=form.cleaned_data["partner_unit"],
                                                            due_on=form.cleaned_data["due_on"]),
                    success=_("The request is with the partner unit."))
    else:
        messages.error(request, _("Choose a partner unit."))
    return redirect(filed)


@login_required
@require_POST
def request_reply_view(request, pk: int):
    filed = selectors.access_request(request.user, pk, need=Need.MANAGE)
    form = ReplyForm(request.POST)
    if form.is_valid():
        run_service(request, lambda: services.request_reply(actor=request.user, asked=filed,
                                                            reply=form.cleaned_data["reply"]),
                    success=_("The reply is sent; the requester sees it through their link."))
    else:
        messages.error(request, _("Write the reply."))
    return redirect(filed)


# ---------------------------------------------------------------------------------------------------------------
# Resource sharing


@login_required
@require_http_methods(["GET", "POST"])
def resource_create_view(request, pk: int):
    host = selectors.access_host(request.user, pk)
    seat = seat_of(request.user, host.pk)
    if not runs(request.user, host) and (seat is None or seat.partner_unit_id is None):
        raise PermissionDenied
    units = selectors.partner_units(host)
    if not runs(request.user, host):
        units = units.filter(pk=seat.partner_unit_id)
    form = ResourceForm(request.POST or None, units=units,
                        initial={"owner": seat.partner_unit_id if seat else None})
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_save(actor=request.user, host=host, token=form.token,
                                              **{k: form.cleaned_data[k] for k in ResourceForm.Meta.fields})
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                raise
            add_service_errors(form, error)
        else:
            return redirect("joint:resource", pk=resource.pk)
    return render(request, "joint/resource_form.html", {"host": host, "form": form})


def _booking_units(user, resource):
    units = selectors.partner_units(resource.host)
    seat = seat_of(user, resource.host_id)
    if not runs(user, resource.host) and seat is not None:
        units = units.filter(pk=seat.partner_unit_id)
    return units


@login_required
@require_http_methods(["GET", "POST"])
def resource_view(request, pk: int):
    resource = selectors.access_resource(request.user, pk, need=Need.READ)
    seat = seat_of(request.user, resource.host_id)
    form = BookingForm(request.POST or None, units=_booking_units(request.user, resource),
                       initial={"unit": seat.partner_unit_id if seat else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_request(actor=request.user, resource=resource, token=form.token,
                                     **{k: form.cleaned_data[k] for k in ("unit", "purpose", "starts_at", "ends_at")})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your booking is requested; the owner decides it."))
            return redirect("joint:resource", pk=resource.pk)
    decides = runs(request.user, resource.host) or OWNER.holds(request.user, resource, Need.MANAGE)
    return render(request, "joint/resource.html", {"resource": resource, "host": resource.host, "form": form,
                                                   "bookings": selectors.bookings(resource), "decides": decides})


@login_required
@require_POST
def booking_decide_view(request, pk: int):
    booking = selectors.access_booking(request.user, pk, need=Need.MANAGE)
    approve = request.POST.get("decision") == "approve"
    run_service(request, lambda: services.booking_decide(actor=request.user, booking=booking, approve=approve),
                success=_("The booking is approved.") if approve else _("The booking is refused."))
    return redirect("joint:resource", pk=booking.resource_id)


@login_required
@require_POST
def booking_cancel_view(request, pk: int):
    booking = selectors.access_booking(request.user, pk, need=Need.READ)
    if booking.requested_by_id != request.user.pk and not (
            runs(request.user, booking.resource.host) or OWNER.holds(request.user, booking.resource, Need.MANAGE)):
        raise PermissionDenied
    run_service(request, lambda: services.booking_cancel(actor=request.user, booking=booking),
                success=_("The booking is cancelled."))
    return redirect("joint:resource", pk=booking.resource_id)


__all__ = ["Booking", "Proposal"]
