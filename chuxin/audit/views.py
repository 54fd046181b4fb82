from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chuxin.core.access import Need, has_any

from .models import AuditEntry
from .selectors import audit_entry_list


@login_required
@require_GET
def list_view(request):
    if not has_any(request.user, Need.ADMIN):
        raise PermissionDenied
    action = request.GET.get("action", "")
    if action not in AuditEntry.Action.values:
        action = ""
    q = request.GET.get("q", "").strip()[:50]
    page = Paginator(audit_entry_list(request.user, action=action, q=q), 50).get_page(request.GET.get("page"))
    base = "&".join(f"{k}={v}" for k, v in (("action", action), ("q", q)) if v)
    context = {
        "page_obj": page, "actions": AuditEntry.Action.choices, "action": action, "q": q,
        "querystring_base": base + "&" if base else "",
    }
    return render(request, "audit/list.html", context)
