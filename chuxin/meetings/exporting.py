"""The attendance register as .xlsx: a branch's finalized meetings of a year (columns) and its members (rows),
each cell the member's attendance. It names people, so the export is audited (the row count only)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from chuxin.core.spreadsheet import sheet_title, start_sheet, workbook_bytes, write_row

from .models import Attendance

SHORT = {
    Attendance.State.PRESENT: "✓", Attendance.State.LATE: "迟", Attendance.State.LEAVE: "假",
    Attendance.State.ABSENT: "缺", Attendance.State.OBSERVER: "列", Attendance.State.EXEMPT: "免",
    Attendance.State.ELSEWHERE: "外",
}


def export_register(organization, year: int, meetings: list, rows: list[Attendance]) -> tuple[bytes, int]:
    """Row 1 names the organization and year, row 2 is the frozen header: member, then one column per meeting
    (date, kind); the last rows are the legend."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(f"{organization.name} {year}"))
    header = [_("Member")] + [f"{m.held_on:%m-%d} {m.get_kind_display()}" for m in meetings]
    start_sheet(ws, header, widths=(14, *([12] * len(meetings))),
                above=[[organization.name, str(year), _("Attendance register")]])
    index = {m.pk: i for i, m in enumerate(meetings)}
    people: dict[int, list] = {}
    names: dict[int, str] = {}
    for row in rows:
        names[row.member_id] = row.member.name
        cells = people.setdefault(row.member_id, [""] * len(meetings))
        cells[index[row.meeting_id]] = str(SHORT.get(row.state, ""))
    for member_id in sorted(names, key=lambda pk: names[pk]):
        write_row(ws, [names[member_id], *people[member_id]])
    write_row(ws, [])
    write_row(ws, ["　".join(f"{mark} {Attendance.State(state).label}" for state, mark in SHORT.items())])
    return workbook_bytes(wb), len(names)
