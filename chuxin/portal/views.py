"""The top-level pages: home (the figures and warnings of one's scope), the summary of a subtree's work, and
"Me"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chuxin.accounts.services import user_display_set
from chuxin.core.access import Need, has_any
from chuxin.members.models import Member
from chuxin.members.selectors import members_on_roll
from chuxin.notifications.selectors import unread_count
from chuxin.orgs import selectors as org_selectors
from chuxin.orgs.models import Organization
from chuxin.workbench.selectors import open_count

from .home import warning_list
from .summary import subtree_summary


@login_required
@require_GET
def home_view(request):
    if not has_any(request.user, Need.READ):
        return redirect("portal:me")
    counts = members_on_roll(request.user)  # kept by the writes (members.tallies), not counted here
    warnings = org_selectors.warnings_in_scope(request.user)
    context = {
        "counts": counts,
        "org_count": counts["organizations"],
        "roots": org_selectors.organization_roots(request.user)[:10],
        "warnings": warnings,
        "warning_list": warning_list(warnings),
        "can_manage": has_any(request.user, Need.MANAGE),
        "can_admin": has_any(request.user, Need.ADMIN),
    }
    return render(request, "portal/home.html", context)


@login_required
@require_GET
def me_view(request):
    member = Member.objects.select_related("organization", "work_unit", "department").filter(user=request.user).first()
    context = {"member": member}
    if member is not None:
        org = member.organization
        context |= {
            "organization": org,
            "positions": org_selectors.current_positions(org),
            "my_positions": org_selectors.member_positions(member),
        }
    grants = request.user.role_grants.select_related("organization").order_by("organization__path")
    return render(request, "portal/me.html", context | {"grants": grants})


@login_required
@require_POST
def me_display_view(request):
    """The "large text" switch in "me": remembered on the person's account, so every page on every device they log
    in with is drawn larger (base.html puts the class on <html>)."""
    large = request.POST.get("large_text") == "on"
    user_display_set(actor=request.user, large_text=large)
    messages.success(request, _("Large text is on.") if large else _("Large text is off."))
    return redirect("portal:me")


@login_required
@require_GET
def badges_view(request):
    """Both counts every page shows, in one request after the page (htmx): the bell's unread notifications, swapped
    into the bell, and the open work, swapped out of band into the side navigation's workbench entry. One request
    instead of one per count: a page view costs the server two requests, not three. Rendered without the
    request's context processors (no navigation); the workbench count is cached (chuxin.workbench.selectors)."""
    return HttpResponse(render_to_string("portal/badges.html", {
        "unread": unread_count(request.user), "count": open_count(request.user)}))


def _org_id(value: str) -> int:
    """An organization's id from the query string; anything that is not one is 404, like an unknown id."""
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    raise Http404


@login_required
@require_GET
def summary_view(request):
    """The work of a subtree at a glance (READ): the user's topmost organization, or `?org=` anywhere they may
    read; each number links to the list behind it, and the organization's children to their own summaries."""
    if request.GET.get("org"):  # one organization: 404 out of scope, 403 too weak a standing, as everywhere
        organization = org_selectors.access_organization(request.user, _org_id(request.GET["org"]), need=Need.READ)
    elif not has_any(request.user, Need.READ):
        raise PermissionDenied
    roots = list(org_selectors.organization_roots(request.user)[:20])
    if not request.GET.get("org"):
        if not roots:
            raise Http404  # a superuser before any organization exists
        organization = roots[0]
    today = timezone.localdate()
    children = org_selectors.organization_children(request.user, organization, counted=False).filter(
        status=Organization.Status.ACTIVE)[:50]
    context = {
        "organization": organization, "cards": subtree_summary(organization, today=today), "year": today.year,
        "today": today, "children": children, "roots": roots if len(roots) > 1 else [],
        "crumbs": [c for c in org_selectors.organization_breadcrumbs(organization, request.user) if c.readable],
    }
    return render(request, "portal/summary.html", context)
