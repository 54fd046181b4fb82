"""Query counts of the home page and the member's own page: the same with 3 rows as with 30."""

from __future__ import annotations

import datetime
import itertools

from django.urls import reverse

from chuxin.orgs.models import Organization, Position
from chuxin.orgs.services import organization_create
from chuxin.testing import make_member

_n = itertools.count()


def seed_branches(world, count: int) -> None:
    """Small branches (each breaks the 3-member rule) with a member and a seat: more warnings, more counts."""
    for _ in range(count):
        i = next(_n)
        branch = organization_create(actor=None, parent=world.pc, name=f"支部{i}", code=f"HB{i}",
                                     kind=Organization.Kind.BRANCH)
        member = make_member(branch, "陈静", born=datetime.date(1980, 1, 1) + datetime.timedelta(days=i))
        Position.objects.create(organization=branch, kind=Position.Kind.SECRETARY, member=member,
                                started_on=datetime.date(2024, 1, 1))


def test_home_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    client = client_for(world.worker)
    seed_branches(world, 3)
    # 1 session, 2 user, 3 grants, 4 member file, 5 member and organization counts (the counters of the scope's
    # top organizations, members.tallies), 6-7 the warnings (the organizations that might break a rule with their
    # counters, in one batch; that batch's current seats), 8 roots with their child counts.
    with django_assert_num_queries(8):
        small = client.get(reverse("portal:home"))
    seed_branches(world, 27)
    with django_assert_num_queries(8):
        large = client.get(reverse("portal:home"))
    assert (len(small.context["warnings"]), len(large.context["warnings"])) == (2 + 3, 2 + 30)  # B1, B2 too


def test_me_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    client = client_for(world.member_user)

    def seed(count):
        for _ in range(count):
            i = next(_n)
            other = make_member(world.b1, "刘洋", born=datetime.date(1975, 1, 1) + datetime.timedelta(days=i))
            Position.objects.create(organization=world.b1, kind=Position.Kind.MEMBER, member=other,
                                    started_on=datetime.date(2024, 1, 1))
            Position.objects.create(organization=world.g1 if i % 2 else world.b1, kind=Position.Kind.MEMBER,
                                    member=world.member, started_on=datetime.date(2010, 1, 1),
                                    ended_on=datetime.date(2012, 1, 1))

    seed(3)
    # 1 session, 2 user, 3 the member file with organization, work unit and department, 4 grants,
    # 5 member file (standings, for the navigation), 6 my positions with organizations, 7 my organization's
    # committee with members and partner units, 8 my role grants, 9 the workbench's probe, which finds nothing
    # open for this plain member, 10 the unread notifications: both counts drawn in, not asked for by a second
    # request after the page loads (chuxin.workbench.selectors._nothing_open).
    with django_assert_num_queries(10):
        client.get(reverse("portal:me"))
    seed(27)
    # Both counts kept from the first view (the positions seeded are nobody's open work): 8.
    with django_assert_num_queries(8):
        response = client.get(reverse("portal:me"))
    assert len(response.context["my_positions"]) == 30
    assert len(response.context["positions"]) == 30
