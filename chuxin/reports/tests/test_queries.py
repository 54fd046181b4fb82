"""Query counts of the report pages: the same with 3 reporters as with 30."""

from __future__ import annotations

import datetime
import itertools

from django.urls import reverse
from django.utils import timezone

from chuxin.orgs.models import Organization
from chuxin.orgs.services import organization_create
from chuxin.reports.models import Report
from chuxin.reports.periods import periods_open

from .conftest import make_requirement

_n = itertools.count()
D = datetime.date


def add_branches(parent, period, count: int) -> None:
    """Branches under PC; every other one has handed its report in."""
    for _ in range(count):
        i = next(_n)
        branch = organization_create(actor=None, parent=parent, name=f"支部{i}", code=f"RPB{i}",
                                     kind=Organization.Kind.BRANCH)
        if i % 2:
            Report.objects.create(period=period, organization=branch, status="submitted",
                                  sections=[{"title": "情况", "html": "<p>好</p>"}])


def measure_twice(client, url, seed, expected: int, django_assert_num_queries, params=None):
    seed(3)
    with django_assert_num_queries(expected):
        small = client.get(url, params or {})
    seed(27)
    with django_assert_num_queries(expected):
        large = client.get(url, params or {})
    assert small.status_code == large.status_code == 200
    assert len(large.content) > len(small.content)
    return large


def test_the_reviewers_period_table_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    requirement = make_requirement(world.pc, starts_on=D(2026, 1, 1))
    periods_open(timezone.localdate(), [requirement])  # every period up to today: the page only checks
    january = requirement.periods.get(start=D(2026, 1, 1))
    # session, user, the requirement with its organization, standings (grants, member file), existing periods
    # (periods_open), the periods for the selector, the expected organizations, their reports with authors
    url = reverse("reports:requirement", args=[requirement.pk])
    response = measure_twice(client_for(world.worker), url, lambda n: add_branches(world.pc, january, n), 9,
                             django_assert_num_queries, {"period": january.pk})
    assert len(response.context["rows"]) == 2 + 30


def test_the_requirements_list_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    def seed(count):
        for _ in range(count):
            requirement = make_requirement(world.pc, title=f"报告{next(_n)}", starts_on=D(2026, 1, 1))
            periods_open(timezone.localdate(), [requirement])  # all open already: the page only checks

    # session, user, standings (grants, member file), the requirements, existing periods (periods_open)
    measure_twice(client_for(world.worker), reverse("reports:requirements"), seed, 6, django_assert_num_queries)


def test_my_reports_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    def seed(count):
        for _ in range(count):
            requirement = make_requirement(world.pc, title=f"报告{next(_n)}", starts_on=D(2026, 1, 1))
            periods_open(timezone.localdate(), [requirement])

    # session, user, my seats, my secretary grants, the periods of the requirements above me (with them), my
    # reports, standings (grants, member file) and the reports to review. The page opens no periods (the daily
    # housekeeping and the requirement services do): no query for the existing ones.
    measure_twice(client_for(world.secretary), reverse("reports:mine"), seed, 9, django_assert_num_queries)


def test_the_post_holders_period_table_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    from chuxin.orgs.models import Position
    from chuxin.testing import make_member, make_user

    requirement = make_requirement(world.pc, audience="posts", kinds=["secretary"], frequency="quarterly",
                                   title="述职", starts_on=D(2026, 1, 1))
    periods_open(timezone.localdate(), [requirement])
    q1 = requirement.periods.get(start=D(2026, 1, 1))

    def seed(count):
        for _ in range(count):
            i = next(_n)
            branch = organization_create(actor=None, parent=world.pc, name=f"支部{i}", code=f"RPS{i}",
                                         kind=Organization.Kind.BRANCH)
            user = make_user(f"holder{i}")
            member = make_member(branch, f"书记{i}", user=user)
            Position.objects.create(organization=branch, kind="secretary", member=member, started_on=D(2025, 1, 1))
            if i % 2:
                Report.objects.create(period=q1, organization=branch, holder=user, author=user, status="submitted",
                                      sections=[{"title": "情况", "html": "<p>好</p>"}])

    # session, user, the requirement, standings (grants, member file), existing periods, the periods, the seats
    # with their holders and organizations, the reports with authors
    url = reverse("reports:requirement", args=[requirement.pk])
    response = measure_twice(client_for(world.worker), url, seed, 9, django_assert_num_queries, {"period": q1.pk})
    assert len(response.context["rows"]) == 30
