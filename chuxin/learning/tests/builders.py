"""Builders shared by the learning tests, the browser test and the benchmark: a lecture held through the meetings
app's own services (planned, convened, attendance marked, finalized), so its work record is the real one."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from chuxin.meetings import services as meetings
from chuxin.meetings.models import Attendance, Kind


def held_lecture(organization, *, present, absent=(), hours: Decimal = Decimal("3"), on: datetime.date | None = None,
                 title: str = "党课：学习党章"):
    """A Party lecture of `organization` held `on` (today by default) with `hours` of study, `present` attending."""
    on = on or timezone.localdate()
    planned = timezone.make_aware(datetime.datetime.combine(on, datetime.time(9)))
    meeting = meetings.meeting_plan(actor=None, organization=organization, kind=Kind.LECTURE, title=title,
                                    planned_at=planned, study_hours=hours, lecturer_name="上级讲师")
    meetings.meeting_convene(actor=None, meeting=meeting)
    present_ids = {m.pk for m in present}
    marks = {}
    for row in meeting.attendances.all():
        marks[row.pk] = Attendance.State.PRESENT if row.member_id in present_ids else Attendance.State.ABSENT
    meetings.attendance_mark(actor=None, meeting=meeting, marks=marks)
    return meetings.meeting_finalize(actor=None, meeting=meeting, held_on=on, minutes="<p>学习了党章。</p>", today=on)
