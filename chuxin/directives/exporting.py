"""The directive matrix as .xlsx: one row per recipient, in the page's order and with its filter. It names
organizations, not people, so the export is not audited (like the plan's)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from chuxin.core.spreadsheet import sheet_title, start_sheet, workbook_bytes, write_row

WIDTHS = (30, 12, 8, 18, 18, 60, 10, 12)


def export_columns() -> list[str]:
    return [_("Organization"), _("State"), _("Behind"), _("Acknowledged"), _("Completed"), _("Answer"),
            _("Reminders"), _("Tasks done")]


def export_matrix(directive, rows) -> bytes:
    """Row 1 names the directive and its due date, row 2 is the (frozen) header."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(directive.title))
    above = [[directive.title, _("Due"), directive.due_on]]
    start_sheet(ws, export_columns(), widths=WIDTHS, above=above)
    for row in rows.iterator(chunk_size=2000):
        write_row(ws, [
            row.organization.name, row.get_state_display(), _("yes") if row.behind else "",
            row.acknowledged_at, row.completed_at, row.answer, row.reminder_count or "",
            f"{row.tasks_done} / {row.tasks_total}" if row.tasks_total else "",
        ])
    return workbook_bytes(wb)
