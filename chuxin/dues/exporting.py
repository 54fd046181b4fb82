"""Dues to Excel (chuxin.core.spreadsheet): a branch's month by name, and the yearly summary (totals only)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from chuxin.core.spreadsheet import sheet_title, start_sheet, workbook_bytes, write_row


def export_month(organization, month, page: dict) -> tuple[bytes, int]:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(f"{organization.name} {month:%Y-%m}"))
    start_sheet(ws, [_("Member"), _("Kind of base"), _("Base"), _("Due"), _("Paid"), _("Paid on"),
                     _("Months unpaid"), _("Reason unpaid")], widths=(14, 24, 12, 10, 10, 12, 10, 24),
                above=[[organization.name, f"{month:%Y-%m}", _("Party dues")]])
    n = 0
    for line in page["lines"]:
        b = line.bill
        write_row(ws, [line.member.name, b.get_kind_display() if b else _("no base set"), b.base if b else None,
                       b.due if b else None, b.paid if b else None, b.paid_on if b else None, line.streak or None,
                       b.unpaid_reason if b else ""])
        n += 1
    t = page["totals"]
    write_row(ws, [_("Total"), "", None, t["due"], t["paid"], None, None, ""])
    return workbook_bytes(wb), n


def export_summary(organization, year: int, summary: dict) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(f"{organization.name} {year}"))
    start_sheet(ws, [_("Month"), _("Due"), _("Paid"), _("Paid in its month"), _("Paid later"), _("Still open"),
                     _("Collected in the month"), _("Voluntary extra"), _("Collection rate (%)")],
                widths=(10, 12, 12, 14, 12, 12, 16, 14, 14),
                above=[[organization.name, str(year), _("Yearly dues summary")]])
    for r in summary["rows"]:
        write_row(ws, [f"{r['month']:%Y-%m}", r["due"], r["paid"], r["on_time"], r["late"], r["open"],
                       r["collected"], r["extra"], r["rate"]])
    t = summary["total"]
    write_row(ws, [_("Total"), t["due"], t["paid"], t["on_time"], t["late"], t["open"], t["collected"], t["extra"],
                   t["rate"]])
    return workbook_bytes(wb)
