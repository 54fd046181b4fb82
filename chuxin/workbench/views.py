import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import ics, selectors, services
from .models import FeedToken, feed_token_digest
from .presentation import kind_summary, section_of

# Each group on the page shows its soonest rows; "show all" opens the group alone, a page at a time. A person
# with hundreds of open items gets a page a phone can scroll, drawn in the same time whatever their number.
GROUP_PREVIEW = 20
GROUP_PAGE_SIZE = 50


@login_required
@require_GET
def home_view(request):
    items = selectors.my_items(request.user)
    today = timezone.localdate()
    groups = selectors.grouped(items, today)
    context = {"kinds": kind_summary(selectors.counts_by_kind(items)), "total": len(items), "today": today}
    key = request.GET.get("group")
    if key is None:
        sections = [section_of(name, group, today, limit=GROUP_PREVIEW) for name, group in groups.items()]
        return render(request, "workbench/home.html", context | {"groups": sections})
    if key not in groups:
        raise Http404
    page = Paginator(groups[key], GROUP_PAGE_SIZE).get_page(request.GET.get("page"))
    context |= {
        "groups": [section_of(key, list(page.object_list), today, count=len(groups[key]))],
        "page_obj": page, "querystring_base": f"group={key}&", "one_group": key,
    }
    return render(request, "workbench/home.html", context)


@login_required
@require_GET
def landing_view(request):
    """Where a login lands (LOGIN_REDIRECT_URL): the workbench for a person with open work, the home page for
    everyone else (the home page sends a person without standing on to "Me")."""
    return redirect("workbench:home" if selectors.has_open_items(request.user) else "portal:home")


@login_required
@require_GET
def badge_view(request):
    """The navigation's count, loaded by htmx after the page: pages don't pay for gathering the work."""
    # Without the request: no context processors, so not the navigation's own queries either.
    return HttpResponse(render_to_string("workbench/badge.html", {"count": selectors.open_count(request.user)}))


@login_required
@require_GET
def calendar_view(request):
    today = timezone.localdate()
    first = selectors.parse_month(request.GET.get("month"), today)
    if first is None:
        raise Http404
    items = selectors.my_items(request.user)
    month = selectors.month_calendar(items, first, today)
    context = {"month": month, "today": today, "coming": None}
    if not request.GET.get("month"):  # a phone opening its calendar sees the weeks ahead, not the month gone by
        context |= {"coming": selectors.coming_days(items, today), "coming_end": today + datetime.timedelta(
            days=selectors.COMING_DAYS - 1)}
    return render(request, "workbench/calendar.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def feed_settings_view(request):
    """The calendar link. Only its digest is stored, so the link itself is shown once, in the answer to the
    request that made it (not stored for a redirect; the page is never cached, like every page)."""
    feed = FeedToken.objects.filter(user=request.user).first()
    context = {"feed": feed, "url": "", "webcal": ""}
    if request.method == "POST":
        replaced = feed is not None
        feed = services.feed_token_regenerate(actor=request.user)
        url = request.build_absolute_uri(reverse("workbench:feed", kwargs={"token": feed.token}))
        context = {"feed": feed, "url": url, "webcal": "webcal://" + url.split("://", 1)[1]}
        if replaced:
            messages.success(request, _("A new calendar link has been made; the old one no longer works."))
        else:
            messages.success(request, _("Your calendar link is ready."))
    return render(request, "workbench/feed_settings.html", context)


@never_cache
@require_GET
def feed_view(request, token: str):
    """No login: calendar apps can't log in. The long random token in the URL stands for the user."""
    feed = FeedToken.objects.select_related("user").filter(
        digest=feed_token_digest(token), user__is_active=True).first()
    if feed is None:
        raise Http404
    items = selectors.my_items(feed.user)
    body = ics.calendar_text(
        items,
        name=_("Chuxin: my deadlines"),
        absolute=request.build_absolute_uri,
        now=timezone.now(),
        describe=lambda item: " · ".join(part for part in (item.state, item.organization) if part),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="chuxin.ics"'
    response["X-Robots-Tag"] = "noindex"  # a secret URL that leaked somewhere should not end up in a search engine
    return response
