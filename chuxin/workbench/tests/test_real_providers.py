"""The workbench with the apps' real providers: what they hand over lands in the right place."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from chuxin.workbench.selectors import my_items
from chuxin.workbench.services import feed_token_regenerate

from .test_feed import events
from .test_queries import seed_directives, seed_tasks


def test_a_task_past_its_due_date_shows_as_overdue(world, client_for):
    from chuxin.plans.models import Task

    seed_tasks(world, world.member_user, 2)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = Task.objects.order_by("id").first()
    Task.objects.filter(pk=late.pk).update(due_on=yesterday, start_on=yesterday)
    response = client_for(world.member_user).get(reverse("workbench:home"))
    sections = {s.key: s for s in response.context["groups"]}
    (row,) = sections["overdue"].rows
    assert row.title == late.title and row.badge == "danger" and row.due == yesterday
    assert row.url == reverse("plans:task", args=[late.pk])
    assert sum(s.count for s in sections.values()) == 2


def test_my_tasks_and_my_branchs_directives_are_mine_alone(world):
    seed_tasks(world, world.member_user, 2)
    seed_directives(world, 1)  # from PC to B1: the B1 secretary's to acknowledge
    assert sorted(i.kind for i in my_items(world.member_user)) == ["task", "task"]
    assert "directive" in {i.kind for i in my_items(world.secretary)}
    assert [i for i in my_items(world.outsider) if i.kind in ("task", "directive")] == []


def test_the_feed_carries_the_real_items_with_their_uids(world, client):
    seed_tasks(world, world.member_user, 3)
    token = feed_token_regenerate(actor=world.member_user).token
    found = events(client.get(reverse("workbench:feed", kwargs={"token": token})).content.decode())
    assert len(found) == 3 and all(e["UID"].startswith("task-") for e in found)
    other = feed_token_regenerate(actor=world.outsider).token
    found = events(client.get(reverse("workbench:feed", kwargs={"token": other})).content.decode())
    assert not [e for e in found if e["UID"].startswith("task-")]
