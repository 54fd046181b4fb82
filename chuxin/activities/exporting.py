"""The organizer's participant list as .xlsx: who has a place, who waits (in order), their check-in and
check-out times and hours. Real times and numbers; names and notes are text cells that never run as formulas
(chuxin.core.spreadsheet)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from chuxin.core.spreadsheet import sheet_title, start_sheet, workbook_bytes, write_row

from .models import Activity, Participant


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def participants_xlsx(activity: Activity, rows: list[Participant]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(activity.title))
    header = [_("Name"), _("Organization"), _("State"), _("Place in the waiting list"), _("Signed up at"),
              _("Checked in at"), _("Checked out at"), _("Service hours"), _("Note on the hours")]
    when = f"{timezone.localtime(activity.starts_at):%Y-%m-%d %H:%M}"
    start_sheet(ws, header, widths=(14, 22, 14, 10, 18, 18, 18, 10, 30),
                above=[[activity.title, activity.organization.name, when, activity.place]])
    for row in rows:
        write_row(ws, [row.member.name, row.member.organization.name, row.get_state_display(),
                       getattr(row, "position", None), _local(row.queued_at), _local(row.checked_in_at),
                       _local(row.checked_out_at), float(row.hours) if row.hours is not None else None,
                       row.hours_note])
    return workbook_bytes(wb)
