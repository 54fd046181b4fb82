"""The responsibility overview as .xlsx: one row per list of the organization's subtree for the year, most behind
first, with the page's filter. It names the people holding the posts, so the export is audited (like the report
status export)."""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core.spreadsheet import sheet_title, start_sheet, workbook_bytes, write_row
from chuxin.orgs.models import Organization

from . import selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = (30, 16, 14, 10, 10, 12, 14, 70)
MAX_ROWS = 20_000  # every post of a large committee's subtree, many times over


def export_columns() -> list[str]:
    return [_("Organization"), _("Post"), _("Holder"), _("Duties"), _("Done"), _("Percent done"),
            _("Last done on"), _("Open duties")]


def _open_duty(item) -> str:
    return f"{item.text}（{item.done_count}/{item.required_count}）" if item.required_count > 1 else item.text


def export_overview(*, actor, organization: Organization, year: int, post_kind: str = "") -> bytes:
    """Row 1 names the overview and its year (the organization once), row 2 is the (frozen) header. Percent done
    is a number, the last completion a date, the open duties one per line."""
    lists = selectors.overview(organization, year=year, post_kind=post_kind).annotate(
        last_done=Max("items__done_at"))[:MAX_ROWS]
    wb = Workbook(write_only=True)
    title = _("Responsibility overview %(year)s") % {"year": year}
    ws = wb.create_sheet(sheet_title(title))
    start_sheet(ws, export_columns(), widths=WIDTHS, above=[[title, organization.name]])
    count = 0
    for rlist in lists:
        write_row(ws, [
            rlist.organization.name, rlist.get_post_kind_display(), rlist.holder_display, rlist.item_count,
            rlist.done_items, rlist.percent, timezone.localdate(rlist.last_done) if rlist.last_done else None,
            "\n".join(_open_duty(item) for item in rlist.open_items),
        ])
        count += 1
    audit_record(actor=actor, action=AuditEntry.Action.EXPORT, target=organization, organization=organization,
                 target_repr=_("Responsibility overview %(year)s (%(n)s rows)") % {"year": year, "n": count},
                 changes={"rows": count})
    return workbook_bytes(wb)
