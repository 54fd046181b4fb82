"""Heart-to-heart talks: recorded by the secretary or by the committee member who held them, each a work record
"talk.held" (the life meeting's checklist counts them); the note only for the talker and the secretary; the
coverage of committee members x members this year."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chuxin.evaluation import services
from chuxin.evaluation.models import Talk
from chuxin.evaluation.selectors import coverage, missing_talks
from chuxin.records.models import WorkRecord


def _talk(branch, actor=None, talker="陈一", member="周二", **extra) -> Talk:
    return services.talk_record(
        actor=actor or branch.world.secretary, organization=branch.world.b1, talker=branch.member(talker),
        member=branch.member(member), held_on=extra.pop("held_on", branch.today), kind=extra.pop("kind", "routine"),
        note=extra.pop("note", "了解思想动态"), **extra)


def test_a_talk_is_a_work_record_the_meetings_app_counts(branch):
    talk = _talk(branch, kind="life_meeting")
    record = WorkRecord.objects.get(kind="talk.held")
    assert record.payload == {"kind": "life_meeting"}
    assert (record.target_id, record.on, record.organization) == (str(talk.pk), branch.today, branch.world.b1)
    assert set(record.members.all()) == {branch.member("陈一"), branch.member("周二")}


def test_a_committee_member_records_their_own_talks_only(branch):
    talk = _talk(branch, actor=branch.user("陈一"))  # a seat on B1's committee, no role
    assert talk.recorded_by == branch.user("陈一")
    with pytest.raises(PermissionDenied):
        _talk(branch, actor=branch.user("陈一"), talker="李四", member="周二")
    with pytest.raises(PermissionDenied):  # a plain member has no seat
        _talk(branch, actor=branch.user("周二"), talker="周二", member="李四")


def test_bad_talks_are_refused_with_a_reason(branch):
    world = branch.world
    with pytest.raises(ValidationError, match="future"):
        _talk(branch, held_on=branch.today + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="between two people"):
        _talk(branch, talker="陈一", member="陈一")
    with pytest.raises(ValidationError, match="Only a member of"):
        services.talk_record(actor=world.secretary, organization=world.b1, talker=branch.member("陈一"),
                             member=world.b2_member, held_on=branch.today, kind="routine")
    assert not Talk.objects.exists() and not WorkRecord.objects.filter(kind="talk.held").exists()


def test_the_note_is_for_the_talker_and_the_secretary(branch, client_for):
    _talk(branch, note="谈到家庭困难")
    url = reverse("evaluation:talks", kwargs={"pk": branch.world.b1.pk})
    for user, sees in ((branch.world.secretary, True), (branch.user("陈一"), True), (branch.world.committee, False),
                       (branch.world.viewer, False), (branch.world.worker, True)):
        page = client_for(user).get(url).content.decode()
        assert ("谈到家庭困难" in page) == sees, user
        assert "陈一" in page and "周二" in page


def test_coverage_shows_who_has_not_yet_talked_with_whom(branch, client_for):
    _talk(branch, talker="陈一", member="周二")
    _talk(branch, talker="李四", member="陈一", held_on=branch.today - datetime.timedelta(days=400))  # last year
    result = coverage(branch.world.b1, branch.today.year)
    assert [line.talker.name for line in result.lines] == ["陈一"]  # the one seat held with a member file
    line = result.lines[0]
    assert [m.name for m, _on in line.done] == ["周二"]
    assert sorted(m.name for m in line.not_yet) == sorted(["李四", "吴三", "郑五"])
    assert result.missing == 3
    page = client_for(branch.world.secretary).get(
        reverse("evaluation:coverage", kwargs={"pk": branch.world.b1.pk})).content.decode()
    assert 'data-testid="coverage-cards"' in page and "3 pairs have not yet talked this year" in page


def test_the_workbench_counts_the_pairs_missing_as_the_coverage_does(branch, django_assert_num_queries):
    from chuxin.orgs.models import Position

    _talk(branch, talker="陈一", member="周二")
    _talk(branch, talker="郑五", member="陈一")  # either way round
    Position.objects.create(organization=branch.world.b1, kind=Position.Kind.ORGANIZATION,
                            member=branch.member("李四"), started_on=datetime.date(2024, 1, 1))
    expected = coverage(branch.world.b1, branch.today.year).missing
    assert expected == 2 + 4  # 陈一: 李四, 吴三; 李四: everyone else but himself
    with django_assert_num_queries(3):  # the seats, the members' ids, the year's talks
        assert missing_talks(branch.world.b1, branch.today.year) == expected


def test_the_coverage_is_the_secretarys(branch, client_for):
    url = reverse("evaluation:coverage", kwargs={"pk": branch.world.b1.pk})
    assert client_for(branch.world.committee).get(url).status_code == 403
    assert client_for(branch.world.outsider).get(url).status_code == 404


def test_a_talk_ticks_the_talkers_duty_to_hold_talks(branch):
    from chuxin.orgs.models import Position
    from chuxin.responsibilities.models import ListItem
    from chuxin.responsibilities.services import responsibility_list_ensure

    seat = Position.objects.create(organization=branch.world.b1, kind=Position.Kind.SECRETARY,
                                   member=branch.member("周二"), started_on=datetime.date(2024, 1, 1))
    responsibility_list_ensure(position=seat, year=branch.today.year)
    duty = ListItem.objects.get(list__holder_member=branch.member("周二"), evidence_kind="talk.held")
    assert duty.done_at is None
    _talk(branch, talker="周二", member="李四")
    duty.refresh_from_db()
    assert duty.done_count == 1 and duty.done_at is not None
    # The other side of the talk has no duty ticked by being talked with.
    assert not ListItem.objects.filter(evidence_kind="talk.held", done_count__gt=0).exclude(pk=duty.pk).exists()
