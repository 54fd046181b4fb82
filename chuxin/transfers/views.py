"""Transfer pages: the list, a request for a member, a transfer's page with the steps open to the user, the
letter as PDF, and a member registered from a letter. Thin: access, form, service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.access import Need, can, has_any
from chuxin.core.forms import add_service_errors, run_service
from chuxin.dues.selectors import paid_up_to
from chuxin.members.selectors import access_member, member_list, member_search
from chuxin.orgs.selectors import access_organization, organization_choices

from . import selectors, services
from .forms import ApproveForm, IncomingForm, ReasonForm, RequestForm, SlipForm
from .models import Transfer


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
@require_GET
def list_view(request):
    if not has_any(request.user, Need.READ):
        raise PermissionDenied
    open_only = request.GET.get("all") != "1"
    page = Paginator(selectors.transfer_list(request.user, open_only=open_only), 50).get_page(request.GET.get("page"))
    may_manage = has_any(request.user, Need.MANAGE)
    term = request.GET.get("q", "").strip()[:50]
    found = list(member_search(member_list(request.user, need=Need.MANAGE), term)[:20]) if may_manage and term else []
    return render(request, "transfers/list.html", {
        "page": page, "open_only": open_only, "may_manage": may_manage, "q": term, "found": found,
        "orgs": organization_choices(request.user, need=Need.MANAGE).order_by("path") if may_manage else None,
        "querystring_base": "" if open_only else "all=1&"})


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request):
    member = access_member(request.user, _int(request.GET.get("member")), need=Need.MANAGE)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.transfer_request(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The transfer is requested; approve it to send it on."))
            return redirect("transfers:detail", pk=transfer.pk)
    return render(request, "transfers/form.html", {"form": form, "member": member})


@login_required
@require_GET
def detail_view(request, pk: int):
    t = selectors.access_transfer(request.user, pk)
    user = request.user
    sending = can(user, t.organization, Need.MANAGE) and t.kind != Transfer.Kind.IN
    receiving = bool(t.destination and can(user, t.destination, Need.MANAGE)) and t.kind == Transfer.Kind.WITHIN
    return render(request, "transfers/detail.html", {
        "t": t, "sending": sending, "receiving": receiving, "today": timezone.localdate(),
        "approve_form": ApproveForm(initial={"dues_paid_to": paid_up_to(t.member)} if sending and t.kind == Transfer.Kind.OUT
                                    else None),
        "reason_form": ReasonForm(), "slip_form": SlipForm()})


@login_required
@require_POST
def approve_view(request, pk: int):
    t = selectors.access_transfer(request.user, pk, need=Need.MANAGE)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        run_service(request, lambda: services.transfer_approve(actor=request.user, transfer=t, **form.cleaned_data),
                    success=_("The transfer is approved."))
    return redirect("transfers:detail", pk=t.pk)


@login_required
@require_POST
def accept_view(request, pk: int):
    t = selectors.access_transfer(request.user, pk, need=Need.MANAGE)
    if run_service(request, lambda: services.transfer_accept(actor=request.user, transfer=t),
                   success=_("Accepted: the member file is now with your organization.")):
        return redirect("members:detail", pk=t.member_id)
    return redirect("transfers:detail", pk=t.pk)


@login_required
@require_POST
def refuse_view(request, pk: int):
    t = selectors.access_transfer(request.user, pk, need=Need.MANAGE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
    else:
        run_service(request, lambda: services.transfer_refuse(actor=request.user, transfer=t,
                                                              reason=form.cleaned_data["reason"]),
                    success=_("The transfer is refused."))
    return redirect("transfers:detail", pk=t.pk)


@login_required
@require_POST
def withdraw_view(request, pk: int):
    t = selectors.access_transfer(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: services.transfer_withdraw(actor=request.user, transfer=t),
                success=_("The transfer is withdrawn."))
    return redirect("transfers:detail", pk=t.pk)


@login_required
@require_POST
def return_slip_view(request, pk: int):
    t = selectors.access_transfer(request.user, pk, need=Need.MANAGE)
    form = SlipForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        run_service(request, lambda: services.transfer_return_slip(actor=request.user, transfer=t,
                                                                   on=form.cleaned_data["on"]),
                    success=_("The return slip is recorded; the member has left the roll."))
    return redirect("transfers:detail", pk=t.pk)


@login_required
@require_GET
def letter_view(request, pk: int):
    """The introduction letter as PDF, with its stub and return slip, from the same template as its print page."""
    t = selectors.access_transfer(request.user, pk, need=Need.MANAGE)
    if t.kind != Transfer.Kind.OUT or not t.letter_number:
        raise Http404
    from .printing import letter_pdf

    response = HttpResponse(letter_pdf(request, t), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{t.letter_number}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def incoming_view(request):
    org = access_organization(request.user, _int(request.GET.get("organization")), need=Need.MANAGE)
    form = IncomingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.incoming_register(actor=request.user, organization=org, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The member is registered from the letter."))
            return redirect("transfers:detail", pk=transfer.pk)
    return render(request, "transfers/incoming.html", {"form": form, "organization": org})
