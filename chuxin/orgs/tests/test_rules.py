"""The organizational thresholds of the regulations, at their boundaries, as the worker sees them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from chuxin.members.models import Member
from chuxin.orgs import rules, selectors
from chuxin.orgs.models import Organization, Position
from chuxin.orgs.services import organization_create
from chuxin.testing import make_member

K = Organization.Kind
TODAY = datetime.date(2026, 3, 15)
_born = iter(datetime.date(1970, 1, 1) + datetime.timedelta(days=i) for i in range(100_000))


@pytest.fixture
def branch(world) -> Organization:
    return organization_create(actor=None, parent=world.pc, name="测试支部", code="TB", kind=K.BRANCH)


@pytest.fixture
def group(branch) -> Organization:
    return organization_create(actor=None, parent=branch, name="测试党小组", code="TG", kind=K.PARTY_GROUP)


def add_members(org: Organization, count: int, *, category: str = "full", **extra) -> list[Member]:
    return [make_member(org, "吴敏", category=category, born=next(_born), **extra) for _ in range(count)]


def seat(org: Organization, kind: str, *, started: datetime.date = datetime.date(2025, 1, 1),
         ended: datetime.date | None = None, name: str = "") -> Position:
    member = None if name else add_members(org, 1, category="probationary")[0]
    return Position.objects.create(organization=org, kind=kind, member=member, person_name=name,
                                   started_on=started, ended_on=ended)


def codes(org: Organization, today: datetime.date = TODAY) -> set[str]:
    org.refresh_from_db()
    return {w.code for w in selectors.organization_warnings(org, today)}


# Branch minimum: 3 full members


def test_a_branch_with_two_full_members_is_too_small(branch):
    add_members(branch, 2)
    assert "branch_too_small" in codes(branch)


def test_a_branch_with_three_full_members_is_big_enough(branch):
    add_members(branch, 3)
    assert "branch_too_small" not in codes(branch)


def test_probationary_members_do_not_count_towards_the_minimum(branch):
    add_members(branch, 2)
    add_members(branch, 5, category="probationary")
    assert "branch_too_small" in codes(branch)


def test_members_who_left_do_not_count(branch):
    add_members(branch, 2)
    add_members(branch, 1, status=Member.Status.TRANSFERRED_OUT)
    assert "branch_too_small" in codes(branch)


def test_members_in_the_branchs_party_groups_count(branch, group):
    add_members(branch, 1)
    add_members(group, 2)
    assert "branch_too_small" not in codes(branch)


def test_a_temporary_branch_has_no_minimum(world):
    temporary = organization_create(actor=None, parent=world.pc, name="临时支部", code="TT", kind=K.TEMPORARY_BRANCH)
    assert "branch_too_small" not in codes(temporary)


def test_a_deactivated_branch_is_not_warned_about(branch):
    Organization.objects.filter(pk=branch.pk).update(status=Organization.Status.DEACTIVATED)
    assert codes(branch) == set()


# Branch committee from 7 full members


def test_six_full_members_need_no_committee(branch):
    add_members(branch, 6)
    assert "committee_missing" not in codes(branch)


def test_seven_full_members_without_a_committee_are_warned(branch):
    add_members(branch, 7)
    assert "committee_missing" in codes(branch)


def test_a_secretary_and_deputy_alone_are_not_a_committee(branch):
    add_members(branch, 7)
    seat(branch, Position.Kind.SECRETARY)
    seat(branch, Position.Kind.DEPUTY_SECRETARY)
    assert "committee_missing" in codes(branch)


def test_a_current_seat_other_than_secretary_makes_a_committee(branch):
    add_members(branch, 7)
    seat(branch, Position.Kind.SECRETARY)
    seat(branch, Position.Kind.ORGANIZATION)
    seat(branch, Position.Kind.PUBLICITY)
    assert "committee_missing" not in codes(branch)


def test_a_seat_that_ended_or_has_not_begun_is_not_a_committee(branch):
    add_members(branch, 7)
    seat(branch, Position.Kind.ORGANIZATION, started=datetime.date(2020, 1, 1), ended=TODAY - datetime.timedelta(1))
    seat(branch, Position.Kind.PUBLICITY, started=TODAY + datetime.timedelta(1))
    assert "committee_missing" in codes(branch)


def test_members_of_party_groups_count_towards_the_committee_threshold(branch, group):
    add_members(branch, 3)
    add_members(group, 4)
    assert "committee_missing" in codes(branch)


# Committee size: 3 to 7 people


@pytest.mark.parametrize(("people", "warned"), [(2, True), (3, False), (7, False), (8, True)])
def test_committee_size_boundaries(branch, people, warned):
    add_members(branch, 7)
    seat(branch, Position.Kind.SECRETARY)
    for _ in range(people - 1):
        seat(branch, Position.Kind.MEMBER)
    assert ("committee_size" in codes(branch)) is warned


def test_one_person_in_two_seats_counts_once(branch):
    add_members(branch, 7)
    secretary = seat(branch, Position.Kind.SECRETARY)
    Position.objects.create(organization=branch, kind=Position.Kind.ORGANIZATION, member=secretary.member,
                            started_on=datetime.date(2025, 1, 1))
    seat(branch, Position.Kind.PUBLICITY)
    assert "committee_size" in codes(branch)  # 2 people, 3 seats


def test_part_time_members_named_without_a_file_count_as_people(branch):
    add_members(branch, 7)
    seat(branch, Position.Kind.SECRETARY)
    seat(branch, Position.Kind.PART_TIME, name="外单位甲")
    seat(branch, Position.Kind.PART_TIME, name="外单位乙")
    assert "committee_size" not in codes(branch)


# Term end: warn 90 days ahead, and once it has passed


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(91, set()), (90, {"term_ending"}), (0, {"term_ending"}), (-1, {"term_ended"})],
)
def test_term_end_boundaries(branch, days_left, expected):
    add_members(branch, 3)
    Organization.objects.filter(pk=branch.pk).update(
        term_start=TODAY - datetime.timedelta(days=1000), term_end=TODAY + datetime.timedelta(days=days_left)
    )
    assert codes(branch) == expected


def test_a_party_group_has_no_term(group):
    Organization.objects.filter(pk=group.pk).update(term_start=datetime.date(2020, 1, 1), term_end=TODAY)
    assert codes(group) == set()


def test_the_ended_term_says_how_many_days_ago(branch):
    add_members(branch, 3)
    Organization.objects.filter(pk=branch.pk).update(term_start=datetime.date(2020, 1, 1),
                                                     term_end=TODAY - datetime.timedelta(days=12))
    branch.refresh_from_db()
    (warning,) = selectors.organization_warnings(branch, TODAY)
    assert "12" in str(warning.message)
    assert (TODAY - datetime.timedelta(days=12)).isoformat() in str(warning.message)


# What the worker sees


def test_the_detail_page_quotes_the_rule_it_enforces(world, branch, client_for):
    add_members(branch, 7)
    Organization.objects.filter(pk=branch.pk).update(term_start=datetime.date(2020, 1, 1),
                                                     term_end=timezone.localdate() + datetime.timedelta(days=10))
    seat(branch, Position.Kind.SECRETARY)
    seat(branch, Position.Kind.MEMBER)  # a committee of 2
    response = client_for(world.worker).get(reverse("orgs:detail", kwargs={"pk": branch.pk}))
    html = response.content.decode()
    assert 'data-warning="committee_size"' in html
    assert 'data-warning="term_ending"' in html
    assert 'data-warning="branch_too_small"' not in html
    with translation.override("zh-hans"):
        assert escape(str(rules.RULE_COMMITTEE_SIZE)) in html
        assert escape(str(rules.RULE_TERM)) in html
        assert escape(str(rules.RULE_BRANCH_MINIMUM)) not in html


def test_the_detail_page_shows_the_full_member_count_including_groups(world, branch, group, client_for):
    add_members(branch, 2)
    add_members(group, 2)
    add_members(group, 3, category="probationary")
    response = client_for(world.secretary).get(reverse("orgs:detail", kwargs={"pk": branch.pk}))
    assert response.status_code == 404  # the secretary of B1 has no standing on another branch
    response = client_for(world.worker).get(reverse("orgs:detail", kwargs={"pk": branch.pk}))
    assert response.context["facts"].full_members == 4
    assert 'data-warning="branch_too_small"' not in response.content.decode()


def test_the_home_page_lists_the_branch_that_needs_attention(world, branch, client_for):
    add_members(branch, 2)
    healthy = organization_create(actor=None, parent=world.pc, name="健康支部", code="OK1", kind=K.BRANCH)
    add_members(healthy, 3)
    response = client_for(world.worker).get(reverse("portal:home"))
    html = response.content.decode()
    attention = html[html.index('bi-exclamation-triangle'):html.index('col-12 col-xl-4')]
    assert "测试支部" in attention
    assert "健康支部" not in attention
    with translation.override("zh-hans"):
        assert escape(str(rules.RULE_BRANCH_MINIMUM)) in attention


def test_the_home_page_counts_party_group_members_for_the_branch(world, branch, group, client_for):
    add_members(branch, 1)
    add_members(group, 2)
    response = client_for(world.worker).get(reverse("portal:home"))
    flagged = {org.code for org, _found in response.context["warnings"]}
    assert "TB" not in flagged
    assert "B1" in flagged  # the fixture's branch has one full member


def test_the_home_page_of_a_secretary_lists_only_their_scope(world, branch, client_for):
    add_members(branch, 1)
    response = client_for(world.secretary).get(reverse("portal:home"))
    flagged = {org.code for org, _found in response.context["warnings"]}
    assert flagged == {"B1"}
