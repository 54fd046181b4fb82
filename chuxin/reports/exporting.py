"""A period's report status as .xlsx: one row per expected reporter. It names the people who wrote (and, for
reports by post, the post holders), so the export is audited like the member export."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core.spreadsheet import sheet_title, start_sheet, workbook_bytes, write_row

from .models import ReportPeriod
from .selectors import Row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = (36, 12, 10, 18, 18, 16)


def export_columns() -> list[str]:
    return [_("Reporter"), _("Status"), _("On time"), _("First submitted"), _("Submitted"), _("Author")]


def state_labels() -> dict[str, str]:
    """The words of reports/_status.html, one per state of a row."""
    return {"accepted": _("accepted"), "submitted": _("submitted"), "returned": _("returned"), "draft": _("draft"),
            "missing": _("missing"), "not_started": _("not started")}


def export_period(*, actor, period: ReportPeriod, rows: list[Row]) -> bytes:
    """Row 1 names the requirement, its period and the due date; row 2 is the (frozen) header."""
    requirement = period.requirement
    labels = state_labels()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(str(period.label)))
    start_sheet(ws, export_columns(), widths=WIDTHS,
                above=[[f"{requirement.title} · {period.label}", _("due on"), period.due_on]])
    for row in rows:
        report = row.report if row.report is not None and row.state != "draft" else None
        on_time = "" if report is None else (_("late") if row.late else _("yes"))
        write_row(ws, [
            row.reporter.name, labels.get(row.state, labels["not_started"]), on_time,
            report.first_submitted_at if report else None, report.submitted_at if report else None,
            str(report.author or "") if report else "",
        ])
    audit_record(actor=actor, action=AuditEntry.Action.EXPORT, target=requirement,
                 organization=requirement.organization,
                 target_repr=_("Report status %(period)s (%(n)s rows)") % {"period": period.label, "n": len(rows)},
                 changes={"rows": len(rows)})
    return workbook_bytes(wb)
