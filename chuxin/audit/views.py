import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chuxin.core.access import Need, has_any
from chuxin.core.forms import DATE_MAX, DATE_MIN

from . import exporting
from .models import AuditEntry
from .selectors import audit_entry_list

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(value) -> datetime.date | None:
    """A yyyy-mm-dd date from a query parameter within 1900-2100, or None (anything else is no filter)."""
    try:
        day = datetime.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None
    return day if day is not None and DATE_MIN <= day <= DATE_MAX else None


def _filters(request) -> dict:
    """The page's filters, shared by the page and its export: action, who or what, and a date range."""
    action = request.GET.get("action", "")
    if action not in AuditEntry.Action.values:
        action = ""
    return {"action": action, "q": request.GET.get("q", "").strip()[:50],
            "date_from": _date(request.GET.get("from")), "date_to": _date(request.GET.get("to"))}


def _querystring(filters: dict) -> str:
    pairs = [("action", filters["action"]), ("q", filters["q"]),
             ("from", filters["date_from"].isoformat() if filters["date_from"] else ""),
             ("to", filters["date_to"].isoformat() if filters["date_to"] else "")]
    return urlencode([(k, v) for k, v in pairs if v])


@login_required
@require_GET
def list_view(request):
    if not has_any(request.user, Need.ADMIN):
        raise PermissionDenied
    filters = _filters(request)
    page = Paginator(audit_entry_list(request.user, **filters), 50).get_page(request.GET.get("page"))
    base = _querystring(filters)
    context = {
        "page_obj": page, "actions": AuditEntry.Action.choices, "action": filters["action"], "q": filters["q"],
        "date_from": filters["date_from"], "date_to": filters["date_to"], "date_min": DATE_MIN, "date_max": DATE_MAX,
        "querystring_base": base + "&" if base else "", "export_query": base,
    }
    return render(request, "audit/list.html", context)


@login_required
@require_GET
def export_view(request):
    """The log as .xlsx, with the page's filters and in the page's scope; the export is itself audited."""
    if not has_any(request.user, Need.ADMIN):
        raise PermissionDenied
    content = exporting.export_entries(request.user, **_filters(request))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate().isoformat()}.xlsx"'
    return response
