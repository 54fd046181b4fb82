from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from chuxin.members.models import Member
from chuxin.members.selectors import member_list
from chuxin.orgs import selectors as org_selectors

from .access import Need, has_any


@login_required
def home_view(request):
    if not has_any(request.user, Need.READ):
        return redirect("core:me")
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
    return render(request, "core/home.html", context)


@login_required
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
    return render(request, "core/me.html", context | {"grants": grants})


@never_cache
def healthz_view(request):
    """For load balancers: 200 when the database (and Redis, when configured) answer, 503 otherwise."""
    checks: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
        healthy = False
    if settings.REDIS_URL:
        try:
            cache.set("chuxin:healthz", "1", 5)
            checks["redis"] = "ok" if cache.get("chuxin:healthz") == "1" else "error: no round trip"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {exc.__class__.__name__}"
        healthy = healthy and checks["redis"] == "ok"
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
