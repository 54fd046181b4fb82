"""The pages of organizational life as people use them: the secretary convenes, a member asks leave and checks
in, the recorder marks the rest, a vote, the record finalized and amended; what each reader may see; query
counts on the lists."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from chuxin.meetings import checkin as codes
from chuxin.meetings import services
from chuxin.meetings.models import Attendance, Kind, Meeting, MinutesRevision
from chuxin.records.models import WorkRecord

from .conftest import convened, mark_all, plan


def test_the_quarter_of_a_branch(world, branch, client_for):
    secretary = client_for(world.secretary)
    when = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = secretary.post(reverse("meetings:create") + f"?organization={world.b1.pk}", {
        "kind": "general", "title": "第二季度党员大会", "topics": "学习党章\n接收预备党员", "planned_at": when,
        "place": "三楼会议室", "study_hours": "1.5"})
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(title="第二季度党员大会")
    assert secretary.post(reverse("meetings:convene", args=[meeting.pk])).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONVENED

    # The member asks for leave from the meeting's page; the secretary approves it.
    member = client_for(world.member_user)
    page = member.get(reverse("meetings:detail", args=[meeting.pk]))
    assert "第二季度党员大会" in page.content.decode()
    assert member.post(reverse("meetings:leave-ask", args=[meeting.pk]), {"reason": "出差"}).status_code == 302
    secretary = client_for(world.secretary)
    leave = meeting.attendances.get(member=world.member).leave_request
    assert secretary.post(reverse("meetings:leave-decide", args=[leave.pk]), {"decision": "approve"}).status_code == 302
    assert meeting.attendances.get(member=world.member).state == Attendance.State.LEAVE

    # The committee member checks in with the code; a stale one is refused with the reason.
    services.checkin_toggle(actor=world.secretary, meeting=meeting, open_=True)
    committee = client_for(world.committee)
    stale = codes.token(meeting.pk, codes.window_now() - 5)
    refused = committee.get(reverse("meetings:checkin", args=[meeting.pk]), {"t": stale})
    assert refused.status_code == 400 and "expired" in refused.content.decode()
    ok = committee.get(reverse("meetings:checkin", args=[meeting.pk]), {"t": codes.token(meeting.pk,
                                                                                          codes.window_now())})
    assert ok.status_code == 200
    assert meeting.attendances.get(member=branch.committee_member).checked_in_at is not None

    # The recorder marks the rest, a resolution is voted, the record finalized and amended.
    secretary = client_for(world.secretary)
    rows = meeting.attendances.filter(state=Attendance.State.EXPECTED)
    data = {f"att-{row.pk}": "present" for row in rows}
    assert secretary.post(reverse("meetings:attendance", args=[meeting.pk]), data).status_code == 302
    assert secretary.post(reverse("meetings:resolution-add", args=[meeting.pk]), {
        "text": "同意接收冯预备为预备党员", "votes_for": 5, "votes_against": 0, "votes_abstain": 0}).status_code == 302
    today = timezone.localdate().isoformat()
    assert secretary.post(reverse("meetings:finalize", args=[meeting.pk]), {
        "held_on": today, "minutes": "会议学习了党章。"}).status_code == 302
    assert secretary.post(reverse("meetings:amend", args=[meeting.pk]), {
        "minutes": "会议学习了党章，讨论了接收预备党员。", "reason": "补充议题"}).status_code == 302
    page = secretary.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "讨论了接收预备党员" in page and "补充议题" in page
    assert MinutesRevision.objects.get(meeting=meeting).previous_minutes == "<p>会议学习了党章。</p>"
    assert WorkRecord.objects.filter(kind="meeting_held", target_id=str(meeting.pk)).exists()


def test_a_held_date_in_the_future_is_refused_and_the_minutes_kept(world, branch, client_for):
    meeting = convened(world)
    mark_all(world, meeting)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_for(world.secretary).post(reverse("meetings:finalize", args=[meeting.pk]), {
        "held_on": tomorrow, "minutes": "我写了很长的纪要"})
    page = response.content.decode()
    assert response.status_code == 200 and "我写了很长的纪要" in page
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONVENED


def test_a_member_sees_only_their_own_organizations_meetings(world, branch, client_for):
    mine = plan(world, title="本支部的会")
    other = services.meeting_plan(actor=world.outsider, organization=world.b2, kind=Kind.GENERAL, title="别的支部的会",
                                  planned_at=timezone.now())
    member = client_for(world.member_user)
    page = member.get(reverse("meetings:list")).content.decode()
    assert "本支部的会" in page and "别的支部的会" not in page
    assert member.get(reverse("meetings:detail", args=[other.pk])).status_code == 404
    assert member.get(reverse("meetings:detail", args=[mine.pk])).status_code == 200


def test_the_list_takes_a_constant_number_of_queries(world, branch, client_for, django_assert_max_num_queries):
    for i in range(3):
        plan(world, title=f"会{i}")
    client = client_for(world.secretary)
    client.get(reverse("meetings:list"))  # warm the session
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("meetings:list"))
    for i in range(3, 20):
        plan(world, title=f"会{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("meetings:list"))


def test_the_meeting_page_does_not_grow_with_its_attendees(world, branch, client_for, django_assert_max_num_queries):
    from chuxin.testing import make_member

    meeting = convened(world)
    client = client_for(world.secretary)
    client.get(reverse("meetings:detail", args=[meeting.pk]))
    with django_assert_max_num_queries(30) as first:
        client.get(reverse("meetings:detail", args=[meeting.pk]))
    for i in range(20):
        make_member(world.b1, f"新党员{i}")
    bigger = convened(world, title="大会")
    assert bigger.attendances.count() > meeting.attendances.count() + 15
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("meetings:detail", args=[bigger.pk]))


def test_the_compliance_matrix_shows_compliant_and_missing(world, branch, client_for):
    year = timezone.localdate().year
    last_year = year - 1
    # B1 held every quarter's general meeting last year except Q4, which it made up; B2 held none.
    for month in (2, 5, 8):
        m = plan(world, when=timezone.make_aware(datetime.datetime(last_year, month, 10, 9)))
        services.meeting_convene(actor=world.secretary, meeting=m)
        mark_all(world, m)
        services.meeting_finalize(actor=world.secretary, meeting=m, held_on=datetime.date(last_year, month, 10),
                                  minutes="纪要")
    page = client_for(world.worker).get(reverse("meetings:compliance"), {
        "organization": world.pc.pk, "year": last_year, "kind": "general"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-org="B1"' in html and 'data-org="B2"' in html
    from chuxin.meetings.selectors import compliance

    rows = {row.organization.code: row for row in compliance(world.pc, last_year)}
    b1 = [c.state for c in rows["B1"].cells["general"]]
    b2 = [c.state for c in rows["B2"].cells["general"]]
    assert b1 == ["held", "held", "held", "missing"] and b2 == ["missing"] * 4


def test_the_compliance_matrix_takes_a_constant_number_of_queries(world, branch, django_assert_num_queries):
    from chuxin.meetings.selectors import compliance
    from chuxin.orgs.models import Organization
    from chuxin.orgs.services import organization_create

    year = timezone.localdate().year
    # The rows, the organizations by row, the meetings, the exempt periods, the overrides (1 each).
    with django_assert_num_queries(5):
        compliance(world.pc, year)
    for i in range(10):
        organization_create(actor=None, parent=world.pc, name=f"新支部{i}", code=f"N{i}",
                            kind=Organization.Kind.BRANCH)
    with django_assert_num_queries(5):
        compliance(world.pc, year)
