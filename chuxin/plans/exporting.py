"""The decomposition table as .xlsx: one row per task. Plans hold no personal data, so exports are not audited."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from .models import Plan
from .selectors import AreaGroup


def export_columns() -> list[str]:
    return [
        _("Area"), _("Item"), _("Task"), _("Department"), _("Lead"), _("Responsible"), _("Cooperating"),
        _("Start date"), _("Due date"), _("Progress (%)"), _("State"),
    ]


def export_plan(plan: Plan, groups: list[AreaGroup]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(plan.year))
    title = WriteOnlyCell(ws, value=f"{plan.organization.name} · {plan.title}")
    title.font = Font(bold=True, size=13)
    ws.append([title])
    header = []
    for text in export_columns():
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="C8161D")
        header.append(cell)
    ws.append(header)
    for group in groups:
        for item in group.items:
            for task in item.tasks.all():
                ws.append([
                    group.area.name, item.title, task.title, task.department.name if task.department else "",
                    str(task.lead or ""), str(task.responsible or ""), "、".join(str(u) for u in task.cooperating),
                    task.start_on, task.due_on, task.progress, task.state_label,
                ])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
