"""What other apps and pages read from organizational life: the workbench and calendar items, the reminders, the
report facts, a member's history, the members flagged for six months without organizational life."""

from __future__ import annotations

import datetime

from django.utils import timezone

from chuxin.meetings import reminders, selectors, services
from chuxin.meetings.models import Attendance, Kind

from .conftest import convened, mark_all, plan


def finalized(world, day: datetime.date, kind=Kind.GENERAL, **marks):
    meeting = plan(world, kind, when=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
                   title=f"{kind}-{day}")
    meeting = services.meeting_convene(actor=world.secretary, meeting=meeting)
    mark_all(world, meeting, **marks)
    return services.meeting_finalize(actor=world.secretary, meeting=meeting, held_on=day, minutes="纪要")


def test_the_workbench_has_meetings_to_convene_minutes_to_file_leave_to_approve_and_mine(world, branch):
    planned = plan(world, title="待召集的会")
    past = convened(world, title="待报送记录的会")
    upcoming = convened(world, title="下周的会", when=timezone.now() + datetime.timedelta(days=7))
    row = upcoming.attendances.get(member=world.member)
    services.leave_request(actor=world.member_user, attendance=past.attendances.get(member=world.member),
                           reason="出差")
    secretary = {(i.title, i.state) for i in selectors.workbench_items(world.secretary)}
    assert ("待召集的会", "to convene") in secretary and ("待报送记录的会", "minutes to file") in secretary
    assert any(state == "leave to approve" for _t, state in secretary)
    mine = {i.uid: i for i in selectors.workbench_items(world.member_user) if i.state == "to attend"}
    # Today's (begun two hours ago, its leave not yet decided) and next week's; the uid is the calendar feed's.
    assert set(mine) == {f"meeting-{past.pk}@chuxin", f"meeting-{upcoming.pk}@chuxin"}
    assert mine[f"meeting-{upcoming.pk}@chuxin"].due == timezone.localtime(upcoming.planned_at).date()
    # On leave: no longer on my workbench.
    services.leave_decide(actor=world.secretary, leave=services.leave_request(
        actor=world.member_user, attendance=row, reason="病假"), approve=True)
    assert f"meeting-{upcoming.pk}@chuxin" not in {i.uid for i in selectors.workbench_items(world.member_user)}
    assert planned.pk  # planned meetings are nobody's to attend


def test_the_workbench_takes_a_constant_number_of_queries(world, branch, django_assert_max_num_queries):
    convened(world, title="一")
    selectors.workbench_items(world.secretary)
    with django_assert_max_num_queries(6) as first:
        selectors.workbench_items(world.secretary)
    for i in range(8):
        convened(world, title=f"会{i}")
        plan(world, title=f"计划{i}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        selectors.workbench_items(world.secretary)


def test_reminders_before_a_period_closes_once_per_organization_kind_and_period(world, branch):
    year = timezone.localdate().year
    day = datetime.date(year, 3, 20)  # eleven days before Q1 closes
    got = reminders.due_reminders(day)
    keys = {(r.target.code, r.dedup_key) for r in got}
    assert ("B1", f"meeting:general:{year}-Q1") in keys and ("B2", f"meeting:general:{year}-Q1") in keys
    assert ("B1", f"meeting:committee:{year}-03") in keys  # B1 has a committee
    assert ("B2", f"meeting:committee:{year}-03") not in keys  # B2 has none
    assert ("G1", f"meeting:group:{year}-03") in keys  # told to the branch's officers: a group has none
    # Exempt or held: no reminder.
    services.exemption_set(actor=world.outsider, organization=world.b2, kind="general", period=f"{year}-Q1",
                           reason="新成立")
    finalized(world, datetime.date(year, 3, 10))
    keys = {(r.target.code, r.dedup_key) for r in reminders.due_reminders(day)}
    assert ("B1", f"meeting:general:{year}-Q1") not in keys and ("B2", f"meeting:general:{year}-Q1") not in keys
    # Too early: nothing about the quarter.
    assert not [r for r in reminders.due_reminders(datetime.date(year, 2, 1)) if "Q1" in r.dedup_key]


def test_attendees_are_reminded_the_day_before(world, branch):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    meeting = convened(world, when=timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(15))))
    got = [r for r in reminders.due_reminders(timezone.localdate()) if r.target == meeting]
    assert {r.recipient.username for r in got} == {"member", "secretary", "committee"}


def test_the_report_facts_count_attendance_topics_and_missing(world, branch):
    year = timezone.localdate().year - 1
    finalized(world, datetime.date(year, 2, 10), **{"周一": Attendance.State.ABSENT})
    facts = {f.code: f for f in selectors.period_facts(world.b1, datetime.date(year, 1, 1),
                                                       datetime.date(year, 3, 31))}
    assert facts["attendance_rate"].count == round(100 * 6 / 7)
    assert "学习党章" in facts["meeting_topics"].items
    # Q1: the general meeting held; the lecture, the committee meetings (B1 has a committee), the themed days and
    # G1's group meetings of January to March missing.
    assert facts["meetings_missing"].count == 1 + 3 + 3 + 3


def test_a_members_file_shows_their_organizational_life(world, branch, client_for):
    from django.urls import reverse

    day = timezone.localdate() - datetime.timedelta(days=3)
    finalized(world, day, **{"李四": Attendance.State.LEAVE})
    sections = selectors.member_history(world.member, world.member_user)
    assert sections[0].rows[0].note == "on leave" and sections[0].rows[0].url
    page = client_for(world.member_user).get(reverse("members:detail", args=[world.member.pk]))
    assert f"general-{day}" in page.content.decode()


def test_six_months_without_organizational_life_is_flagged_never_acted_on(world, branch):
    today = timezone.localdate()
    old = today - datetime.timedelta(days=220)
    finalized(world, old)
    recent = today - datetime.timedelta(days=20)
    finalized(world, recent, **{"郑三": Attendance.State.ABSENT, "吴二": Attendance.State.LEAVE})
    flagged = {f.member.name for f in selectors.without_life(world.b1, today)}
    # 郑三 was absent at the recent meeting and attended seven months ago: flagged. 吴二 was on leave: a reason.
    assert flagged == {"郑三"}
    assert world.b1.members.get(name="郑三").status == "active"


def test_the_branch_year_counts_the_secretarys_lectures(world, branch, client_for):
    from django.urls import reverse

    year = timezone.localdate().year
    assert selectors.secretary_lectures(world.b1, year) == (0, 1)
    meeting = plan(world, Kind.LECTURE, title="书记讲党课", lecturer=branch.secretary_member,
                   when=timezone.now() - datetime.timedelta(hours=3))
    meeting = services.meeting_convene(actor=world.secretary, meeting=meeting)
    mark_all(world, meeting)
    services.meeting_finalize(actor=world.secretary, meeting=meeting, held_on=timezone.localdate(), minutes="讲稿")
    assert selectors.secretary_lectures(world.b1, year) == (1, 1)
    page = client_for(world.secretary).get(reverse("meetings:compliance"), {"organization": world.b1.pk})
    assert 'data-given="1"' in page.content.decode()
