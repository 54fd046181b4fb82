"""Query counts of the responsibility pages: the same with a few lists (or items) as with many."""

from __future__ import annotations

import itertools

from django.urls import reverse
from django.utils import timezone

from chuxin.orgs.models import Organization, Position
from chuxin.orgs.services import organization_create
from chuxin.responsibilities.models import ListItem, PostKind
from chuxin.responsibilities.services import _list_get_or_create, template_for
from chuxin.responsibilities.tests.conftest import seat
from chuxin.testing import make_member

_n = itertools.count()
YEAR = timezone.localdate().year


def measure_twice(client, url, seed, expected: int, django_assert_num_queries, headers=None):
    seed(2)
    with django_assert_num_queries(expected):
        small = client.get(url, headers=headers or {})
    seed(12)
    with django_assert_num_queries(expected):
        large = client.get(url, headers=headers or {})
    assert small.status_code == large.status_code == 200
    assert len(large.content) > len(small.content)
    return large


def add_branches_with_seats(parent: Organization, count: int) -> None:
    for _ in range(count):
        i = next(_n)
        branch = organization_create(actor=None, parent=parent, name=f"支部{i}", code=f"RB{i}",
                                     kind=Organization.Kind.BRANCH)
        seat(branch, Position.Kind.SECRETARY, make_member(branch, f"书记{i}"))
        seat(branch, Position.Kind.DISCIPLINE, make_member(branch, f"纪检{i}"))


def test_overview_query_count_does_not_grow(world, seats, client_for, django_assert_num_queries):
    # session, user, the organization, standings (grants, member file), paginator count, the page of lists
    # with their progress, the open items of those lists
    url = reverse("responsibilities:overview", kwargs={"pk": world.pc.pk})
    measure_twice(client_for(world.worker), url, lambda n: add_branches_with_seats(world.pc, n), 8,
                  django_assert_num_queries)


def test_overview_partial_query_count_does_not_grow(world, seats, client_for, django_assert_num_queries):
    url = reverse("responsibilities:overview", kwargs={"pk": world.pc.pk}) + "?post=secretary"
    measure_twice(client_for(world.worker), url, lambda n: add_branches_with_seats(world.pc, n), 8,
                  django_assert_num_queries, headers={"HX-Request": "true"})


def test_list_page_query_count_does_not_grow(world, seats, client_for, django_assert_num_queries):
    # session, user, the list with its organization/template/holder/position, standings (grants, member file),
    # the items with who marked them
    rlist = seats.secretary.responsibility_lists.get()

    def seed(count):
        base = rlist.items.count()
        ListItem.objects.bulk_create(
            ListItem(list=rlist, text=f"补充职责{base + i}", evidence_kind="manual", done_note="已完成",
                     done_at=timezone.now(), marked_by=world.secretary, sort_order=100 + base + i)
            for i in range(count)
        )

    url = reverse("responsibilities:list", kwargs={"pk": rlist.pk})
    measure_twice(client_for(world.secretary), url, seed, 6, django_assert_num_queries)


def test_my_lists_query_count_does_not_grow(world, seats, client_for, django_assert_num_queries):
    # session, user, standings (grants, member file: the navigation), my lists with their progress,
    # organization and template
    me = seats.secretary_member

    def seed(count):
        # Seats held elsewhere (lists made directly: the seat rules are not what is measured here).
        for _ in range(count):
            i = next(_n)
            org = organization_create(actor=None, parent=world.pc, name=f"支部{i}", code=f"RG{i}",
                                      kind=Organization.Kind.BRANCH)
            _list_get_or_create(template=template_for(org, PostKind.LEADER), organization=org, year=YEAR,
                                holder_key=f"m:{me.pk}", holder_member=me, holder_name=me.name)

    measure_twice(client_for(world.secretary), reverse("responsibilities:mine"), seed, 5,
                  django_assert_num_queries)


def test_workbench_items_take_one_query(world, seats, django_assert_num_queries):
    from chuxin.responsibilities.selectors import workbench_items

    december = timezone.localdate().replace(month=12, day=20)
    with django_assert_num_queries(1):
        items = workbench_items(world.secretary, today=december)
    assert items and all(i.kind == "responsibility" for i in items)
