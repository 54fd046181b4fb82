"""Plan, convene, attend, vote, finalize and amend: the services and their refusals of bad input."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chuxin.meetings import checkin as codes
from chuxin.meetings import services
from chuxin.meetings.models import Attendance, Kind, LeaveRequest, Meeting
from chuxin.notifications.models import Notification
from chuxin.records.models import WorkRecord
from chuxin.responsibilities.models import EvidenceKind, ListItem, PostKind

from .conftest import convened, mark_all, plan

S = Attendance.State


def states(meeting) -> dict[str, str]:
    return dict(meeting.attendances.values_list("member__name", "state"))


def test_convening_takes_the_snapshot_with_the_lawful_exceptions(world, branch, django_capture_on_commit_callbacks):
    meeting = plan(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_convene(actor=world.secretary, meeting=meeting)
    got = states(meeting)
    assert got["陈老"] == S.EXEMPT and got["褚外出"] == S.ELSEWHERE
    assert got["周一"] == S.EXPECTED and "王五" not in got  # B2's member is not B1's
    voting = dict(meeting.attendances.values_list("member__name", "voting"))
    assert voting["冯预备"] is False and voting["周一"] is True
    # Everyone with an account is told (not the secretary who convened it).
    told = set(Notification.objects.filter(target_id=str(meeting.pk)).values_list("recipient__username", flat=True))
    assert told == {"member", "committee"}


def test_a_committee_meeting_expects_the_committee_only(world, branch):
    meeting = convened(world, Kind.COMMITTEE, title="支委会")
    assert set(states(meeting)) == {"赵书记", "钱委员", "李四"}
    assert all(meeting.attendances.values_list("on_committee", flat=True))


def test_a_dual_life_leader_is_expected_too(world, branch):
    # B2's member is a leader who also takes part in B1's life.
    # Since last week: the meeting (two hours ago) may fall on yesterday in the small hours.
    services.arrangement_add(actor=world.secretary, member=world.b2_member, kind="dual", organization=world.b1,
                             started_on=timezone.localdate() - datetime.timedelta(days=7))
    meeting = convened(world)
    row = meeting.attendances.get(member=world.b2_member)
    assert row.dual and row.expected


def test_attendance_for_someone_not_expected_is_refused_and_nothing_is_saved(world, branch):
    meeting = convened(world)
    other = convened(world, title="另一个会")
    mine = meeting.attendances.first()
    stray = other.attendances.first()
    with pytest.raises(ValidationError, match="expected attendees"):
        services.attendance_mark(actor=world.secretary, meeting=meeting, marks={mine.pk: "present", stray.pk: "absent"})
    mine.refresh_from_db()
    assert mine.state == S.EXPECTED


def test_finalizing_needs_every_mark_a_past_day_and_minutes(world, branch):
    meeting = convened(world)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="not yet marked"):
        services.meeting_finalize(actor=world.secretary, meeting=meeting, held_on=today, minutes="纪要")
    mark_all(world, meeting)
    with pytest.raises(ValidationError) as error:
        services.meeting_finalize(actor=world.secretary, meeting=meeting, held_on=today + datetime.timedelta(days=1),
                                  minutes="纪要")
    assert "future" in str(error.value)
    with pytest.raises(ValidationError):
        services.meeting_finalize(actor=world.secretary, meeting=meeting, held_on=today, minutes="  ")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONVENED


def test_a_second_finalization_is_refused(world, branch):
    meeting = convened(world)
    mark_all(world, meeting)
    services.meeting_finalize(actor=world.secretary, meeting=meeting, held_on=timezone.localdate(), minutes="纪要")
    with pytest.raises(ValidationError, match="already finalized"):
        services.meeting_finalize(actor=world.secretary, meeting=meeting, held_on=timezone.localdate(),
                                  minutes="另一份")
    meeting.refresh_from_db()
    assert "纪要" in meeting.minutes


def test_finalizing_records_the_meeting_and_ticks_the_duties(world, branch):
    meeting = convened(world, study_hours=2)
    mark_all(world, meeting, **{"郑三": S.ABSENT})
    services.meeting_finalize(actor=world.secretary, meeting=meeting, held_on=timezone.localdate(),
                              minutes="<p>学习了党章</p><script>x</script>")
    meeting.refresh_from_db()
    assert meeting.minutes == "<p>学习了党章</p>"
    record = WorkRecord.objects.get(kind="meeting_held")
    # 7 expected (the exempt and the away member left out), 6 attended; their member files for the study hours.
    assert record.payload == {"kind": "general", "period": meeting.period, "expected": 7, "attended": 6,
                              "study_hours": "2.0"}
    assert record.members.count() == 6
    # The committee's duty "三会一课" ticks itself; so does the secretary's own list where they attended.
    item = ListItem.objects.filter(list__organization=world.b1, list__post_kind=PostKind.COMMITTEE,
                                   evidence_kind=EvidenceKind.MEETING_HELD).order_by("pk").first()
    assert item.done_count == 1


def test_a_lecture_ticks_the_lecturers_own_duty(world, branch):
    meeting = convened(world, Kind.LECTURE, title="书记讲党课", lecturer=branch.secretary_member)
    mark_all(world, meeting)
    services.meeting_finalize(actor=world.secretary, meeting=meeting, held_on=timezone.localdate(), minutes="讲稿")
    item = ListItem.objects.get(list__holder_member=branch.secretary_member, evidence_kind=EvidenceKind.LECTURE_GIVEN)
    assert item.is_done


def test_below_quorum_the_meeting_is_held_but_its_resolutions_invalid(world, branch):
    meeting = convened(world)
    # 8 voting expected (7 full + ... ): 4 present is not more than half.
    names = [n for n, s in states(meeting).items() if s == S.EXPECTED]
    marks = {n: S.ABSENT for n in names[4:]}
    mark_all(world, meeting, **marks)
    resolution = services.resolution_add(actor=world.secretary, meeting=meeting, text="同意接收预备党员", votes_for=3,
                                         votes_against=0, votes_abstain=0)
    assert not resolution.valid and "quorum" in resolution.note
    services.meeting_finalize(actor=world.secretary, meeting=meeting, held_on=timezone.localdate(), minutes="纪要")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.FINALIZED and meeting.quorum_met is False
    resolution.refresh_from_db()
    assert not resolution.valid and not resolution.passed


def test_a_resolution_passes_with_more_than_half_of_voters_expected(world, branch):
    meeting = convened(world)
    mark_all(world, meeting)
    expected = meeting.attendances.filter(voting=True).exclude(state__in=Attendance.EXCUSED).count()
    half = expected // 2
    r = services.resolution_add(actor=world.secretary, meeting=meeting, text="甲", votes_for=half,
                                votes_against=0, votes_abstain=0)
    assert r.valid and not r.passed
    r = services.resolution_add(actor=world.secretary, meeting=meeting, text="乙", votes_for=half + 1,
                                votes_against=0, votes_abstain=0)
    assert r.passed
    with pytest.raises(ValidationError, match="votes were cast"):
        services.resolution_add(actor=world.secretary, meeting=meeting, text="丙", votes_for=expected + 1,
                                votes_against=0, votes_abstain=0)


def test_amending_keeps_the_previous_text(world, branch):
    meeting = convened(world)
    mark_all(world, meeting)
    services.meeting_finalize(actor=world.secretary, meeting=meeting, held_on=timezone.localdate(), minutes="原文")
    with pytest.raises(ValidationError):
        services.minutes_amend(actor=world.secretary, meeting=meeting, minutes="新文", reason="")
    revision = services.minutes_amend(actor=world.secretary, meeting=meeting, minutes="新文", reason="补充发言")
    meeting.refresh_from_db()
    assert meeting.minutes == "<p>新文</p>" and revision.previous_minutes == "<p>原文</p>"
    assert revision.amended_by == world.secretary and revision.number == 1


def test_leave_is_asked_by_the_member_and_approved_by_the_secretary(world, branch):
    meeting = convened(world)
    row = meeting.attendances.get(member=world.member)
    with pytest.raises(ValidationError):
        services.leave_request(actor=world.member_user, attendance=row, reason=" ")
    request = services.leave_request(actor=world.member_user, attendance=row, reason="出差")
    with pytest.raises(ValidationError, match="already asked"):
        services.leave_request(actor=world.member_user, attendance=row, reason="出差")
    services.leave_decide(actor=world.secretary, leave=request, approve=True)
    row.refresh_from_db()
    request.refresh_from_db()
    assert row.state == S.LEAVE and row.reason == "出差" and request.state == LeaveRequest.State.APPROVED
    with pytest.raises(ValidationError, match="already been decided"):
        services.leave_decide(actor=world.secretary, leave=request, approve=False)


def test_check_in_with_the_rotating_code(world, branch):
    meeting = convened(world)
    services.checkin_toggle(actor=world.secretary, meeting=meeting, open_=True)
    now = codes.window_now() * codes.WINDOW + 5.0
    window = codes.window_now(now)
    # A stale code (two windows ago), a code of another meeting, and a wrong code are refused.
    with pytest.raises(ValidationError, match="expired"):
        services.attendance_checkin(actor=world.member_user, meeting=meeting, code=codes.token(meeting.pk, window - 2),
                                    now=now)
    with pytest.raises(ValidationError, match="another meeting"):
        services.attendance_checkin(actor=world.member_user, meeting=meeting,
                                    code=codes.token(meeting.pk + 1, window), now=now)
    with pytest.raises(ValidationError, match="current code"):
        services.attendance_checkin(actor=world.member_user, meeting=meeting, code="000000x", now=now)
    # Someone not expected (B2's secretary has no file here) is refused.
    with pytest.raises(ValidationError, match="not among"):
        services.attendance_checkin(actor=world.outsider, meeting=meeting, code=codes.token(meeting.pk, window),
                                    now=now)
    # The previous window's six digits still count.
    row = services.attendance_checkin(actor=world.member_user, meeting=meeting,
                                      code=codes.six_digits(meeting.pk, window - 1), now=now)
    assert row.state in (S.PRESENT, S.LATE) and row.checked_in_at


def test_check_in_outside_the_window_of_an_open_meeting_is_refused(world, branch):
    meeting = convened(world)
    now = codes.window_now() * codes.WINDOW + 5.0
    with pytest.raises(ValidationError, match="not open"):
        services.attendance_checkin(actor=world.member_user, meeting=meeting,
                                    code=codes.token(meeting.pk, codes.window_now(now)), now=now)


def test_a_held_meeting_counts_for_its_period_and_a_makeup_for_the_missed_one(world, branch):
    last_year = timezone.localdate().year - 1
    meeting = plan(world, makes_up=f"{last_year}-Q4")
    assert meeting.is_makeup and meeting.period == f"{last_year}-Q4"
    with pytest.raises(ValidationError):
        plan(world, makes_up=f"{timezone.localdate().year + 1}-Q1")  # not closed yet
    with pytest.raises(ValidationError):
        plan(world, makes_up="2026-Q9")


def test_exempt_periods(world, branch):
    year = timezone.localdate().year
    services.exemption_set(actor=world.secretary, organization=world.b1, kind="general", period=f"{year}-Q1",
                           reason="支部新成立")
    with pytest.raises(ValidationError, match="already exempt"):
        services.exemption_set(actor=world.secretary, organization=world.b1, kind="general", period=f"{year}-Q1",
                               reason="again")
    with pytest.raises(ValidationError):
        services.exemption_set(actor=world.secretary, organization=world.b1, kind="general", period=f"{year}-03",
                               reason="wrong frequency")


def test_a_group_meeting_is_not_held_by_a_branch(world, branch):
    with pytest.raises(ValidationError):
        plan(world, Kind.GROUP)


def test_a_resolution_or_a_measure_sent_twice_is_recorded_once(world, branch):
    meeting = convened(world)
    mark_all(world, meeting)
    for _twice in range(2):
        services.resolution_add(actor=world.secretary, meeting=meeting, text="甲", votes_for=5, votes_against=0,
                                votes_abstain=0, token="same-token-1")
    assert meeting.resolutions.count() == 1
    life = convened(world, Kind.LIFE, title="组织生活会")
    for _twice in range(2):
        services.rectification_add(actor=world.secretary, meeting=life, text="整改", token="same-token-2",
                                   due_on=timezone.localdate() + datetime.timedelta(days=30))
    assert life.rectifications.count() == 1


def test_a_committee_plans_a_themed_day_for_all_its_branches_once(world, branch):
    when = timezone.now() + datetime.timedelta(days=7)
    made = services.meeting_plan_batch(actor=world.worker, committee=world.pc, title="七一主题党日", topics="重温入党誓词",
                                       planned_at=when)
    assert {m.organization.code for m in made} == {"B1", "B2"} and len({m.batch for m in made}) == 1
    again = services.meeting_plan_batch(actor=world.worker, committee=world.pc, title="七一主题党日", topics="重温入党誓词",
                                        planned_at=when)
    assert {m.pk for m in again} == {m.pk for m in made}
