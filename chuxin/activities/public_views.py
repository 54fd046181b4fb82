"""The micro-wish pages anyone may open without logging in: the public lists, the form, and the wisher's private
link. They never show a wisher's name or contact (selectors.public_wishes loads neither). The form is protected by
chuxin.core.public_forms: a honeypot and a signed stamp, and a rate limit per address."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chuxin.core.forms import add_service_errors
from chuxin.core.public_forms import public_rate_limit, rate_limit

from . import selectors, services
from .apps import WISH_LIMIT_DEFAULT
from .forms import FeedbackForm, WishForm
from .models import Wish, token_hash

PAGE_SIZE = 30
WISH_WINDOW = 3600  # seconds: the rule's limit is per hour


@require_GET
def public_list_view(request, code: str = ""):
    org = get_object_or_404(selectors.public_organizations(), code=code) if code else None
    page = Paginator(selectors.public_wishes(org), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/public_list.html", {"page_obj": page, "organization": org})


@require_http_methods(["GET", "POST"])
def public_new_view(request, code: str = ""):
    org = get_object_or_404(selectors.public_organizations(), code=code) if code else None
    form = WishForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        # Counted once the form is otherwise acceptable: a wish corrected after an error is not held against the
        # person; a flood of wishes from one address is refused before anything is saved.
        if rate_limit(request, "wish", limit=WISH_LIMIT_DEFAULT, window=WISH_WINDOW):
            return render(request, "errors/429.html", {"window_minutes": WISH_WINDOW // 60}, status=429)
        data = form.cleaned_data
        try:
            _wish, token = services.wish_submit(organization=data["organization"], name=data["wisher_name"],
                                               contact=data["wisher_contact"], who=data["who"], text=data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(reverse("activities:follow", args=[token]) + "?new=1")
    return render(request, "activities/public_form.html", {"form": form, "organization": org})


def _by_token(token: str) -> Wish:
    if not (20 <= len(token) <= 64):
        raise Http404
    wish = Wish.objects.select_related("organization").filter(token_hash=token_hash(token)).first()
    if wish is None:
        raise Http404
    return wish


@public_rate_limit("wish-feedback", limit=20, window=3600)
@require_http_methods(["GET", "POST"])
def follow_view(request, token: str):
    """The wisher's private link: where the wish stands, and the feedback once it is fulfilled."""
    wish = _by_token(token)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.wish_feedback(wish=wish, rating=form.cleaned_data["rating"], text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you for your feedback. The wish is closed."))
            return redirect(reverse("activities:follow", args=[token]))
    context = {"wish": wish, "form": form, "new": request.GET.get("new") == "1",
               "link": request.build_absolute_uri(reverse("activities:follow", args=[token]))}
    response = render(request, "activities/follow.html", context)
    response["Cache-Control"] = "no-store"
    return response
