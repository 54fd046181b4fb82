"""The top-level pages: home (the figures and warnings of one's scope) and "Me"."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from chuxin.core.access import Need, has_any
from chuxin.members.models import Member
from chuxin.members.selectors import member_list
from chuxin.orgs import selectors as org_selectors


@login_required
@require_GET
def home_view(request):
    if not has_any(request.user, Need.READ):
        return redirect("portal:me")
    counts = member_list(request.user).aggregate(
        active=Count("id", filter=Q(status=Member.Status.ACTIVE)),
        full=Count("id", filter=Q(status=Member.Status.ACTIVE, category=Member.Category.FULL)),
        probationary=Count("id", filter=Q(status=Member.Status.ACTIVE, category=Member.Category.PROBATIONARY)),
    )
    context = {
        "counts": counts,
        "org_count": org_selectors.organization_list(request.user).filter(status="active").count(),
        "roots": org_selectors.organization_roots(request.user)[:10],
        "warnings": org_selectors.warnings_in_scope(request.user),
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
