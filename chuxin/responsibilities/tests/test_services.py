import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chuxin.orgs.models import Position
from chuxin.orgs.services import position_create, position_update
from chuxin.responsibilities.models import EvidenceKind, EvidenceLink, ListItem, PostKind, ResponsibilityList
from chuxin.responsibilities.services import (
    evidence_record,
    list_item_mark_done,
    list_item_undo,
    lists_ensure_for_year,
)
from chuxin.testing import make_member

YEAR = timezone.localdate().year
TODAY = timezone.localdate()


def lists_of(org, **kw):
    return ResponsibilityList.objects.filter(organization=org, year=YEAR, **kw)


def item(rlist, kind):
    return rlist.items.filter(evidence_kind=kind).first()


def test_taking_a_seat_makes_this_years_list_and_the_committee_list(world, seats):
    by_post = {rl.post_kind: rl for rl in lists_of(world.b1)}
    assert set(by_post) == {PostKind.SECRETARY, PostKind.LEADER, PostKind.DISCIPLINE, PostKind.COMMITTEE}
    assert lists_of(world.b1, post_kind=PostKind.COMMITTEE).count() == 1
    secretary_list = by_post[PostKind.SECRETARY]
    assert secretary_list.holder_member == seats.secretary_member
    assert secretary_list.position == seats.secretary
    assert secretary_list.items.count() >= 5
    # Default templates were made once, at the grassroots committee above the branch.
    assert secretary_list.template.organization == world.pc


def test_ensuring_again_makes_nothing_new(world, seats):
    before = ResponsibilityList.objects.count()
    position_update(actor=None, position=seats.secretary, person_name="")
    lists_ensure_for_year(YEAR)
    assert ResponsibilityList.objects.count() == before


def test_a_new_holder_gets_a_list_of_their_own(world, seats):
    newcomer = make_member(world.b1, "周新")
    position_create(actor=None, organization=world.b1, kind=Position.Kind.YOUTH, member=newcomer,
                    started_on=TODAY)
    assert lists_of(world.b1, holder_member=newcomer, post_kind=PostKind.LEADER).exists()


def test_a_position_ended_last_year_makes_no_list(world):
    member = make_member(world.b2, "吴旧")
    position_create(actor=None, organization=world.b2, kind=Position.Kind.YOUTH, member=member,
                    started_on=datetime.date(2018, 1, 1), ended_on=datetime.date(YEAR - 1, 6, 30))
    assert not lists_of(world.b2, holder_member=member).exists()


def test_evidence_ticks_the_users_lists_and_the_committee_list(world, seats):
    target = seats.committee  # any saved record stands in for a finished task
    touched = evidence_record(kind=EvidenceKind.TASK_DONE, organization=world.b1, user=world.secretary,
                              on=TODAY, target=target)
    lists = {i.list.post_kind for i in touched}
    assert lists == {PostKind.SECRETARY, PostKind.COMMITTEE}
    for i in touched:
        i.refresh_from_db()
        assert i.done_count == 1 and i.is_done  # required once a year
        assert i.done_source_type == "orgs.position" and i.done_source_id == str(target.pk)
    # The committee member's and the sibling branch's lists are untouched.
    assert not ListItem.objects.filter(list__holder_member=seats.committee_member, done_count__gt=0).exists()
    assert not ListItem.objects.filter(list__organization=world.b2, done_count__gt=0).exists()


def test_the_same_record_never_counts_twice(world, seats):
    reports = item(lists_of(world.b1, post_kind=PostKind.SECRETARY).get(), EvidenceKind.REPORT_FILED)
    assert (reports.required_count, reports.frequency) == (4, "quarterly")
    for _ in range(3):
        evidence_record(kind=EvidenceKind.REPORT_FILED, organization=world.b1, user=world.secretary, on=TODAY,
                        target=seats.committee, frequency="quarterly")
    reports.refresh_from_db()
    assert reports.done_count == 1 and not reports.is_done
    assert EvidenceLink.objects.filter(item=reports).count() == 1
    for target in (seats.secretary, seats.discipline, seats.b2_secretary):
        evidence_record(kind=EvidenceKind.REPORT_FILED, organization=world.b1, user=world.secretary, on=TODAY,
                        target=target, frequency="quarterly")
    reports.refresh_from_db()
    assert reports.done_count == 4 and reports.is_done


def test_evidence_from_another_year_counts_for_that_year_only(world, seats):
    touched = evidence_record(kind=EvidenceKind.TASK_DONE, organization=world.b1, user=world.secretary,
                              on=datetime.date(YEAR - 1, 12, 30), target=seats.committee)
    assert touched == []


def test_an_organization_alone_ticks_its_committee_list(world, seats):
    touched = evidence_record(kind=EvidenceKind.DIRECTIVE_DONE, organization=world.b2, user=None, on=TODAY,
                              target=seats.committee)
    assert [(i.list.organization, i.list.post_kind) for i in touched] == [(world.b2, PostKind.COMMITTEE)]


def test_marking_by_hand_and_undoing(world, seats):
    talk = lists_of(world.b1, post_kind=PostKind.DISCIPLINE).get().items.filter(
        evidence_kind=EvidenceKind.MANUAL).first()
    list_item_mark_done(actor=world.member_user, item=talk, note="已与全体党员谈话")
    talk.refresh_from_db()
    assert talk.is_done and talk.marked_by == world.member_user and talk.done_note == "已与全体党员谈话"
    with pytest.raises(ValidationError):
        list_item_mark_done(actor=world.member_user, item=talk)
    list_item_undo(actor=world.member_user, item=talk)
    talk.refresh_from_db()
    assert not talk.is_done and talk.done_count == 0 and talk.done_note == ""


def test_undo_keeps_what_recorded_work_proved(world, seats):
    reports = item(lists_of(world.b1, post_kind=PostKind.SECRETARY).get(), EvidenceKind.REPORT_FILED)
    evidence_record(kind=EvidenceKind.REPORT_FILED, organization=world.b1, user=world.secretary, on=TODAY,
                    target=seats.committee, frequency="quarterly")
    list_item_mark_done(actor=world.secretary, item=reports)
    list_item_undo(actor=world.secretary, item=reports)
    reports.refresh_from_db()
    assert reports.done_count == 1 and not reports.is_done
    done_by_work = item(lists_of(world.b1, post_kind=PostKind.SECRETARY).get(), EvidenceKind.TASK_DONE)
    evidence_record(kind=EvidenceKind.TASK_DONE, organization=world.b1, user=world.secretary, on=TODAY,
                    target=seats.committee)
    with pytest.raises(ValidationError):
        list_item_undo(actor=world.secretary, item=done_by_work)
