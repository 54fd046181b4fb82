"""Query counts of the notification centre and the bell: the same with 3 notifications as with 30."""

from __future__ import annotations

import itertools

from django.urls import reverse

from chuxin.notifications.services import notify

_n = itertools.count()


def seed(world, count: int) -> None:
    for _ in range(count):
        i = next(_n)
        notify(recipient=world.secretary, kind="overdue" if i % 2 else "assigned", target=world.b1,
               title=f"任务{i}", url="/orgs/", body="请尽快办理。", dedup_key=str(i))
        notify(recipient=world.committee, kind="assigned", target=world.b1, title="别人的", url="/orgs/",
               dedup_key=str(i))


def test_list_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    client = client_for(world.secretary)
    seed(world, 3)
    # 1 session, 2 user, 3 grants, 4 member file (both for the navigation), 5 COUNT for the paginator,
    # 6 the page of notifications (grouped in Python), 7 the unread COUNT (the bell's number, on the Unread tab).
    with django_assert_num_queries(7):
        small = client.get(reverse("notifications:list"))
    seed(world, 27)
    with django_assert_num_queries(7):
        large = client.get(reverse("notifications:list"))
    assert (small.context["page_obj"].paginator.count, large.context["page_obj"].paginator.count) == (3, 30)
    # Two kinds, all within the hour: two rows.
    assert [g.count for g in large.context["groups"]] == [15, 15]


def test_unread_partial_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    client = client_for(world.secretary)
    seed(world, 3)
    # 1 session, 2 user, 3 COUNT for the paginator, 4 the page, 5 the unread COUNT. The navigation's rights are not
    # read: a fragment shows no navigation.
    with django_assert_num_queries(5):
        client.get(reverse("notifications:list"), {"show": "unread"}, HTTP_HX_REQUEST="true")
    seed(world, 27)
    with django_assert_num_queries(5):
        client.get(reverse("notifications:list"), {"show": "unread"}, HTTP_HX_REQUEST="true")


def test_badge_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    client = client_for(world.secretary)
    seed(world, 3)
    # 1 session, 2 user, 3 the unread COUNT.
    with django_assert_num_queries(3):
        client.get(reverse("notifications:badge"))
    seed(world, 27)
    with django_assert_num_queries(3):
        client.get(reverse("notifications:badge"))
