"""Micro-wish pages for people logged in: the organization's review, a member's claim, the fulfilment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.access import Need, can, has_any
from chuxin.core.forms import add_service_errors, run_service

from . import selectors, services
from .access import CLAIMER
from .forms import FulfilForm, ReviewForm
from .models import Wish

PAGE_SIZE = 30


@login_required
@require_GET
def wishes_view(request):
    if not has_any(request.user, Need.PUBLIC) and not selectors.reachable_paths(request.user):
        raise PermissionDenied
    state = request.GET.get("state", "")
    state = state if state in Wish.State.values else ""
    page = Paginator(selectors.wish_list(request.user, state=state), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/wishes.html", {
        "page_obj": page, "state": state, "states": Wish.State.choices,
        "manages": has_any(request.user, Need.MANAGE)})


@login_required
@require_GET
def wish_view(request, pk: int):
    wish = selectors.access_wish(request.user, pk, need=Need.PUBLIC)
    member = selectors.member_of(request.user)
    context = {
        "wish": wish, "may_manage": can(request.user, wish.organization, Need.MANAGE),
        "may_see_contact": selectors.may_see_contact(request.user, wish),
        "is_claimer": CLAIMER.holds(request.user, wish, Need.PUBLIC),
        "may_claim": member is not None and member.organization.path.startswith(wish.organization_path),
        "review_form": ReviewForm(), "fulfil_form": FulfilForm(),
    }
    return render(request, "activities/wish.html", context)


@login_required
@require_POST
def wish_review_view(request, pk: int):
    wish = selectors.access_wish(request.user, pk, need=Need.MANAGE)
    form = ReviewForm(request.POST)
    publish = request.POST.get("publish") == "1"
    if form.is_valid():
        run_service(request, lambda: services.wish_review(actor=request.user, wish=wish, publish=publish,
                                                          reason=form.cleaned_data["reason"]),
                    success=_("Published on the organization's public list.") if publish else _("Declined."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(wish.get_absolute_url())


@login_required
@require_POST
def wish_claim_view(request, pk: int):
    wish = selectors.access_wish(request.user, pk, need=Need.PUBLIC)
    run_service(request, lambda: services.wish_claim(actor=request.user, wish=wish),
                success=_("The wish is yours: contact the person and fulfil it."))
    return redirect(wish.get_absolute_url())


@login_required
@require_POST
def wish_release_view(request, pk: int):
    wish = selectors.access_wish(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: services.wish_release(actor=request.user, wish=wish),
                success=_("The wish is back on the list for another member."))
    return redirect(wish.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def wish_fulfil_view(request, pk: int):
    wish = selectors.access_wish(request.user, pk, need=Need.MANAGE)
    form = FulfilForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.wish_fulfil(actor=request.user, wish=wish, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Recorded. The person who made the wish can now give their feedback."))
            return redirect(wish.get_absolute_url())
    return render(request, "activities/fulfil.html", {"wish": wish, "form": form})
