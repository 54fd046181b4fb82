"""Query counts of the organization pages and partials: the same with 3 rows as with 30."""

from __future__ import annotations

import datetime
import itertools

from django.urls import reverse

from chuxin.accounts.models import Role, RoleGrant
from chuxin.orgs.models import Department, Organization, PartnerUnit, Position, WorkUnit
from chuxin.orgs.services import organization_create
from chuxin.testing import make_member

K = Organization.Kind
_n = itertools.count()
STARTED = datetime.date(2024, 1, 1)


def add_branches(parent: Organization, count: int) -> list[Organization]:
    """Branches under `parent`, each with a Party group, so every row has a child count to show."""
    made = []
    for _ in range(count):
        i = next(_n)
        branch = organization_create(actor=None, parent=parent, name=f"支部{i}", code=f"QB{i}", kind=K.BRANCH)
        organization_create(actor=None, parent=branch, name=f"小组{i}", code=f"QG{i}", kind=K.PARTY_GROUP)
        made.append(branch)
    return made


def add_positions(org: Organization, count: int) -> None:
    """Current seats held by members and past seats held by partner units' people."""
    for _ in range(count):
        i = next(_n)
        member = make_member(org, "王芳", born=datetime.date(1970, 1, 1) + datetime.timedelta(days=i))
        Position.objects.create(organization=org, kind=Position.Kind.MEMBER, member=member, started_on=STARTED)
        partner = PartnerUnit.objects.create(host=org, name=f"共建单位{i}")
        Position.objects.create(
            organization=org, kind=Position.Kind.PART_TIME, person_name=f"兼职{i}", partner_unit=partner,
            started_on=datetime.date(2020, 1, 1), ended_on=datetime.date(2023, 1, 1),
        )


def measure_twice(client, url, seed, expected: int, django_assert_num_queries, headers=None, again: int | None = None):
    """Seed a few rows, count; seed many more, count again: both must be `expected` (the second `again`, when the
    first view made something the second reads kept)."""
    seed(3)
    with django_assert_num_queries(expected):
        small = client.get(url, headers=headers or {})
    seed(27)
    with django_assert_num_queries(expected if again is None else again):
        large = client.get(url, headers=headers or {})
    assert small.status_code == large.status_code == 200
    assert len(large.content) > len(small.content)  # the extra rows are on the page
    return large


def test_tree_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    def seed(count):
        # More trees in the worker's scope: more roots on the page.
        for _ in range(count):
            i = next(_n)
            root = organization_create(actor=None, parent=None, name=f"党委{i}", code=f"QR{i}",
                                       kind=K.GRASSROOTS_COMMITTEE)
            add_branches(root, 1)
            RoleGrant.objects.create(user=world.worker, organization=root, role=Role.WORKER)

    # 1 session, 2 user, 3 grants, 4 member file, 5 the roots with their child counts.
    measure_twice(client_for(world.worker), reverse("orgs:tree"), seed, 5, django_assert_num_queries)


def test_children_partial_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    # 1 session, 2 user, 3 the parent (with its parent and work unit joined in), 4 grants, 5 member file,
    # 6 the children with their child counts.
    response = measure_twice(
        client_for(world.viewer), reverse("orgs:children", kwargs={"pk": world.pc.pk}),
        lambda n: add_branches(world.pc, n), 6, django_assert_num_queries, headers={"HX-Request": "true"},
    )
    assert b"<html" not in response.content
    assert response.content.count(b"data-org=") == 2 + 30


def test_detail_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    def seed(count):
        add_branches(world.pc, count)
        add_positions(world.pc, count)

    # 1 session, 2 user, 3 the organization (with parent and work unit), 4 grants, 5 member file,
    # 6 full members and 7 current seats (the facts, shared by the warnings and the facts panel), 8 breadcrumbs,
    # 9 current positions with members and partner units, 10 children with child counts.
    response = measure_twice(client_for(world.worker), reverse("orgs:detail", kwargs={"pk": world.pc.pk}), seed, 10,
                             django_assert_num_queries)
    assert len(response.context["children"]) == 2 + 30


def test_committee_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    # 1 session, 2 user, 3 the organization, 4 grants, 5 member file, 6 current positions, 7 past positions
    # (both with members and partner units joined in), 8 the workbench's probe, which finds nothing open for this
    # plain member, 9 the unread notifications: both counts drawn in, not asked for by a second request after the
    # page loads (chuxin.workbench.selectors._nothing_open). The second view reads both counts kept (the positions
    # written between the views are nobody's open work and no notification): 7.
    response = measure_twice(
        client_for(world.member_user), reverse("orgs:committee", kwargs={"pk": world.b1.pk}),
        lambda n: add_positions(world.b1, n), 9, django_assert_num_queries, again=7,
    )
    assert len(response.context["past_positions"]) == 30


def test_work_units_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    def seed(count):
        for _ in range(count):
            i = next(_n)
            unit = WorkUnit.objects.create(name=f"单位{i}", organization=world.b1 if i % 2 else world.pc)
            Department.objects.create(work_unit=unit, name="办公室")

    # 1 session, 2 user, 3 grants, 4 member file, 5 the units with organizations and department counts.
    measure_twice(client_for(world.worker), reverse("orgs:work-units"), seed, 5, django_assert_num_queries)


def test_work_unit_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    def seed(count):
        for _ in range(count):
            i = next(_n)
            dept = Department.objects.create(work_unit=world.unit, name=f"部门{i}", sort_order=i)
            make_member(world.b1, "赵强", born=datetime.date(1975, 1, 1) + datetime.timedelta(days=i),
                        work_unit=world.unit, department=dept)

    # 1 session, 2 user, 3 the unit with its organization, 4 grants, 5 member file,
    # 6 departments with member counts.
    measure_twice(client_for(world.worker), reverse("orgs:work-unit", kwargs={"pk": world.unit.pk}), seed, 6,
                  django_assert_num_queries)


def test_partners_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    def seed(count):
        for _ in range(count):
            i = next(_n)
            partner = PartnerUnit.objects.create(host=world.pc if i % 2 else world.b1, name=f"共建{i}")
            Position.objects.create(organization=partner.host, kind=Position.Kind.PART_TIME, person_name=f"兼{i}",
                                    partner_unit=partner, started_on=STARTED)

    # 1 session, 2 user, 3 grants, 4 member file, 5 the partner units with hosts and seat counts.
    measure_twice(client_for(world.worker), reverse("orgs:partners"), seed, 5, django_assert_num_queries)
