"""Query counts of the member list: the same with 3 members as with 30, whatever the filters."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.urls import reverse

from chuxin.members.models import Member
from chuxin.orgs.models import Department
from chuxin.testing import make_member

_n = itertools.count()
BORN = datetime.date(datetime.date.today().year - 40, 1, 1)  # aged 39-40: inside the 36-45 band


def seed_members(world, count: int) -> None:
    """Members spread over B1 and its Party group, with work units and departments (which the list must not
    fetch row by row). Birth dates differ so the generated ID numbers never collide."""
    dept = Department.objects.get_or_create(work_unit=world.unit, name="办公室")[0]
    for _ in range(count):
        i = next(_n)
        make_member(
            world.g1 if i % 2 else world.b1, "李明", born=BORN + datetime.timedelta(days=i),
            category="full" if i % 3 else "probationary", phone=f"139{i:08d}", education="bachelor",
            work_unit=world.unit, department=dept,
        )


# Every full page: 1 session, 2 user, 3 role grants, 4 the user's own member file (standings),
# 5 COUNT for the paginator, 6 organizations for the filter's choices, 7 the page of members with their
# organizations joined in.
PAGE = 7


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, PAGE),
        ({"q": "lm"}, PAGE),  # pinyin initials
        ({"q": "liming"}, PAGE),  # full pinyin
        ({"q": "李"}, PAGE),  # Chinese name
        ({"q": "1390"}, PAGE),  # phone digits
        ({"category": "full", "status": "active", "education": "bachelor", "age_band": "36_45"}, PAGE),
        # + 1: the organization filter's choice is looked up when the form validates
        ({"organization": "B1"}, PAGE + 1),
    ],
    ids=["plain", "initials", "pinyin", "chinese", "phone", "filters", "subtree"],
)
def test_member_list_query_count_does_not_grow(world, client_for, django_assert_num_queries, params, expected):
    client = client_for(world.worker)
    if params.get("organization") == "B1":
        params = {**params, "organization": world.b1.pk}
    seed_members(world, 3)
    with django_assert_num_queries(expected):
        small = client.get(reverse("members:list"), params)
    seed_members(world, 27)
    with django_assert_num_queries(expected):
        large = client.get(reverse("members:list"), params)
    assert small.status_code == large.status_code == 200
    assert large.context["page_obj"].count > small.context["page_obj"].count


def test_member_list_partial_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    client = client_for(world.secretary)
    seed_members(world, 3)
    # htmx: only the results partial, so no filter form choices: 1 session, 2 user, 3 grants, 4 member file,
    # 5 COUNT, 6 the page of members.
    with django_assert_num_queries(6):
        response = client.get(reverse("members:list"), {"q": "lm"}, headers={"HX-Request": "true"})
    assert b"<html" not in response.content
    seed_members(world, 27)
    with django_assert_num_queries(6):
        response = client.get(reverse("members:list"), {"q": "lm"}, headers={"HX-Request": "true"})
    assert response.context["page_obj"].count == 30


def test_member_detail_query_count_does_not_grow_with_positions(world, client_for, django_assert_num_queries):
    from chuxin.orgs.models import Position

    client = client_for(world.worker)
    url = reverse("members:detail", kwargs={"pk": world.member.pk})

    def add_positions(count: int) -> None:
        for i in range(count):
            Position.objects.create(organization=world.b1 if i % 2 else world.g1, kind="member",
                                    member=world.member, started_on=datetime.date(2020, 1, 1),
                                    ended_on=datetime.date(2020, 12, 31))

    # 1 session, 2 user, 3 the member with organization, work unit, department and account joined in,
    # 4 grants, 5 member file, 6 positions with their organizations; the history other apps add (member_history):
    # 7 the evaluation's grades, 8 the organizational life (the member's attendance at finalized meetings),
    # 9-14 the sections of the apps added since (dues, transfers, recruitment, volunteer hours, innovation projects).
    add_positions(3)
    with django_assert_num_queries(14):
        client.get(url)
    add_positions(27)
    with django_assert_num_queries(14):
        response = client.get(url)
    assert len(response.context["positions"]) == 30
    assert Member.objects.count() == 2
