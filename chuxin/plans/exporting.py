"""The decomposition table as .xlsx: one row per task. Plans hold no personal data, so exports are not audited."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from chuxin.core.spreadsheet import start_sheet, workbook_bytes, write_row

from .models import Plan
from .selectors import AreaGroup

WIDTHS = (14, 30, 36, 16, 12, 12, 24, 12, 12, 12, 12)


def export_columns() -> list[str]:
    return [
        _("Area"), _("Item"), _("Task"), _("Department"), _("Lead"), _("Responsible"), _("Cooperating"),
        _("Start date"), _("Due date"), _("Progress (%)"), _("State"),
    ]


def export_plan(plan: Plan, groups: list[AreaGroup]) -> bytes:
    """Row 1 names the plan, row 2 is the (frozen) header; every cell goes through the safe writer."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(plan.year))
    start_sheet(ws, export_columns(), widths=WIDTHS, above=[[f"{plan.organization.name} · {plan.title}"]])
    for group in groups:
        for item in group.items:
            for task in item.tasks.all():
                write_row(ws, [
                    group.area.name, item.title, task.title, task.department.name if task.department else "",
                    str(task.lead or ""), str(task.responsible or ""), "、".join(str(u) for u in task.cooperating),
                    task.start_on, task.due_on, task.progress, task.state_label,
                ])
    return workbook_bytes(wb)
