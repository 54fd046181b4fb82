"""The audit log as .xlsx: the page's filters and scope, one row per entry. The log names people and where they
connected from, so the export is itself audited (on the exporter's account, in each organization of their scope)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from chuxin.core.access import Need, scope_prefixes
from chuxin.core.spreadsheet import start_sheet, workbook_bytes, write_row

from .display import changes_shown
from .models import AuditEntry
from .selectors import audit_entry_list
from .services import audit_record

WIDTHS = (18, 16, 18, 36, 60, 16)
MAX_ROWS = 50_000  # far beyond a year of a committee's log; a bigger export is narrowed by the date filter


def export_columns() -> list[str]:
    return [_("Time"), _("Who"), _("Action"), _("Object"), _("Details"), _("From address")]


def _details(entry: AuditEntry) -> str:
    sep = pgettext("label separator", ": ")
    return "\n".join(
        f"{label}{sep}{old}" if new is None else f"{label}{sep}{old} → {new}"
        for label, old, new in changes_shown(entry.target_type, entry.changes)
    )


def export_entries(user, *, action: str = "", q: str = "", date_from: datetime.date | None = None,
                   date_to: datetime.date | None = None) -> bytes:
    entries = audit_entry_list(user, action=action, q=q, date_from=date_from, date_to=date_to)[:MAX_ROWS]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Audit log")[:31])
    start_sheet(ws, export_columns(), widths=WIDTHS)
    count = 0
    for entry in entries.iterator(chunk_size=2000):
        write_row(ws, [entry.at, entry.actor_name, entry.get_action_display(), entry.target_repr, _details(entry),
                       entry.ip_address or ""])
        count += 1
    content = workbook_bytes(wb)
    organization_model = AuditEntry._meta.get_field("organization").related_model
    prefixes = [p for p in scope_prefixes(user, Need.ADMIN) if p]
    places = list(organization_model.objects.filter(path__in=prefixes)) or [None]
    for org in places:
        audit_record(actor=user, action=AuditEntry.Action.EXPORT, target=user, organization=org,
                     target_repr=_("Audit log (%(n)s rows)") % {"n": count},
                     changes={"rows": count})
    return content
