"""The meetings app's URLs for the role matrix (chuxin/portal/tests/test_role_matrix.py).

At each target organization (B1, B2, X2) the objects are: a planned meeting, a convened meeting whose attendees are
the organization's members (with a pending leave request of the first), an organizational life meeting with a
rectification measure, an exempt period and an arrangement. A member reads their own organization's meetings
(need PUBLIC); only an expected attendee asks for leave; the superior reviews.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from chuxin.testing import FORBIDDEN, M, P, R, anywhere, get_and_post, obj


def _meeting(env, where: str, *, status: str = "planned", kind: str = "general"):
    from chuxin.meetings.models import Attendance, Meeting
    from chuxin.members.models import Member

    def make():
        org = env.org(where)
        meeting = Meeting.objects.create(
            organization=org, organization_path=org.path, kind=kind, title=f"会议-{where}-{status}-{kind}",
            planned_at=timezone.now() + datetime.timedelta(days=1), period=f"{timezone.localdate().year}",
            status=status, held_on=timezone.localdate() if status == "finalized" else None,
            minutes="<p>纪要</p>" if status == "finalized" else "")
        if status == "convened":
            Attendance.objects.bulk_create(
                Attendance(meeting=meeting, member=m, voting=True)
                for m in Member.objects.filter(organization=org))
        return meeting

    return env.once(("meeting", where, status, kind), make)


def _leave(env, where: str):
    from chuxin.meetings.models import LeaveRequest

    def make():
        row = _meeting(env, where, status="convened").attendances.order_by("pk").first()
        return LeaveRequest.objects.create(attendance=row, reason="出差")

    return env.once(("leave", where), make)


def _rectification(env, where: str):
    from chuxin.meetings.models import Rectification

    return env.once(("rectification", where), lambda: Rectification.objects.create(
        meeting=_meeting(env, where, kind="life"), text="整改", due_on=timezone.localdate()))


def _exemption(env, where: str):
    from chuxin.meetings.models import PeriodExemption

    # Fresh each time: a successful removal deletes it.
    org = env.org(where)
    exemption, _created = PeriodExemption.objects.get_or_create(
        organization=org, kind="general", period="2020-Q1",
        defaults={"organization_path": org.path, "reason": "新成立"})
    return exemption


def _arrangement(env, where: str):
    from chuxin.meetings.models import Arrangement

    return env.once(("arrangement", where), lambda: Arrangement.objects.create(
        member=env.member(where), kind="exempt", organization=env.org(where), started_on=datetime.date(2024, 1, 1)))


def _file(env, where: str, *, uploaded_by=None):
    from django.core.files.base import ContentFile

    from chuxin.meetings.models import MeetingAttachment

    attachment = MeetingAttachment(meeting=_meeting(env, where, status="convened"), name="签到表.pdf", size=8,
                                   uploaded_by=uploaded_by)
    attachment.file.save("sheet.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    return attachment


# Removing a file: only the person who attached it. Fresh each time (a removal deletes it), attached by the
# manager standing at each place; another manager there (the worker at B1) is refused.
UPLOADERS = {"B1": "secretary", "B2": "outsider", "X2": "superuser"}


def routes() -> dict:
    def planned(env, where):
        return {"pk": _meeting(env, where).pk}, {}

    def convened(env, where):
        return {"pk": _meeting(env, where, status="convened").pk}, {}

    def leave(env, where):
        return {"pk": _leave(env, where).pk}, {}

    def finalized(env, where):
        return {"pk": _meeting(env, where, status="finalized").pk}, {}

    def life(env, where):
        return {"pk": _meeting(env, where, kind="life").pk}, {}

    def rectification(env, where):
        return {"pk": _rectification(env, where).pk}, {}

    def exemption(env, where):
        return {"pk": _exemption(env, where).pk}, {}

    def arrangement(env, where):
        return {"pk": _arrangement(env, where).pk}, {}

    def meeting_file(env, where):
        return {"pk": env.once(("meeting-file", where), lambda: _file(env, where)).pk}, {}

    def fresh_file(env, where):
        return {"pk": _file(env, where, uploaded_by=env.users[UPLOADERS[where]]).pk}, {}

    def org_query(env, where):
        return {}, {"organization": env.org(where).pk}

    # Only an expected attendee asks for leave: those who stand on B1 without a member file there are refused.
    not_attending = {(role, "B1"): FORBIDDEN for role in ("committee", "secretary", "viewer", "worker")}
    not_attending.update({("outsider", "B2"): FORBIDDEN, ("superuser", "X2"): FORBIDDEN})
    # The superior reviews: a branch's own secretary does not.
    not_superior = {("secretary", "B1"): FORBIDDEN, ("outsider", "B2"): FORBIDDEN}
    return {
        "meetings:list": [anywhere("get", P)],
        "meetings:create": [
            *get_and_post(anywhere("get", M)),  # asks which organization holds it, or goes straight to the form
            *get_and_post(obj("get", M, org_query)),
        ],
        "meetings:batch-create": get_and_post(obj("get", M, org_query)),
        "meetings:detail": [obj("get", P, planned)],  # a member reads their own organization's meetings
        "meetings:edit": get_and_post(obj("get", M, planned)),
        "meetings:convene": [obj("post", M, planned)],
        "meetings:cancel": [obj("post", M, planned)],
        "meetings:attendance": get_and_post(obj("get", M, convened)),
        "meetings:observer-add": [obj("post", M, convened)],
        "meetings:leave": [obj("get", M, convened)],
        "meetings:leave-ask": [obj("post", P, convened, special=not_attending)],
        "meetings:leave-decide": [obj("post", M, leave)],
        "meetings:checkin-screen": [obj("get", M, convened)],
        "meetings:checkin-toggle": [obj("post", M, convened)],
        "meetings:checkin": get_and_post(obj("get", P, convened)),  # without a code: the form
        "meetings:resolution-add": [obj("post", M, convened)],
        "meetings:finalize": get_and_post(obj("get", M, convened)),
        "meetings:attach": [obj("post", M, convened)],  # no file chosen: back to the page with the error
        "meetings:attachment": [obj("get", P, meeting_file)],  # whoever reads the meeting
        "meetings:attachment-delete": [obj("post", M, fresh_file, special={("worker", "B1"): FORBIDDEN})],
        "meetings:amend": get_and_post(obj("get", M, finalized)),
        "meetings:review": [obj("post", M, finalized, special=not_superior)],
        "meetings:preparation": [obj("post", M, life)],
        "meetings:criticism": [obj("post", M, life)],
        "meetings:rectification-add": [obj("post", M, life)],
        "meetings:rectification-task": get_and_post(obj("get", M, rectification)),
        "meetings:minutes-pdf": [obj("get", P, finalized)],
        "meetings:compliance": [anywhere("get", R), obj("get", R, org_query)],
        "meetings:exemption-add": [obj("post", M, org_query)],
        "meetings:exemption-remove": [obj("post", M, exemption)],
        "meetings:arrangements": get_and_post(obj("get", M, org_query)),
        "meetings:arrangement-end": [obj("post", M, arrangement)],
        "meetings:register": [obj("get", R, org_query)],
        "meetings:record-book": [obj("get", R, org_query)],
    }
