"""People of a branch on the committee's plan: assignees and the owner reach their tasks although they have no
standing on the committee itself; everyone else in their branch or elsewhere does not."""

from __future__ import annotations

from django.urls import reverse

from chuxin.plans import services
from chuxin.plans.models import Task

from .conftest import DUE, START


def make_pc_task(world, sent):
    plan = services.plan_create(actor=world.worker, organization=world.pc, year=2026, title="党委年度计划",
                                owner=world.secretary)  # the B1 secretary keeps the committee's plan
    item = services.plan_item_create(actor=world.worker, plan=plan, area=world.pc.plan_areas.first(), title="事项")
    return services.task_create(actor=world.worker, plan_item=item, title="委员会任务", start_on=START, due_on=DUE,
                                responsible=world.committee, cooperating=[world.member_user])


def test_assignees_and_the_owner_from_a_branch_reach_a_committee_task(world, sent, client):
    task = make_pc_task(world, sent)
    client.force_login(world.member_user)  # a member file in B1, nothing on PC
    assert client.get(reverse("plans:task", args=[task.pk])).status_code == 200
    response = client.post(reverse("plans:task-progress", args=[task.pk]), {"progress": 100, "version": 1})
    assert response.status_code == 302
    assert client.get(reverse("plans:detail", args=[task.plan_item.plan_id])).status_code == 404
    client.force_login(world.secretary)  # the owner: sees the plan and confirms
    assert client.get(reverse("plans:detail", args=[task.plan_item.plan_id])).status_code == 200
    assert client.post(reverse("plans:task-confirm", args=[task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.DONE


def test_others_without_standing_on_the_committee_get_404(world, sent, client):
    task = make_pc_task(world, sent)
    for user in (world.outsider, world.stranger):
        client.force_login(user)
        assert client.get(reverse("plans:task", args=[task.pk])).status_code == 404
        assert client.post(reverse("plans:task-progress", args=[task.pk]), {"progress": 1, "version": 1}
                           ).status_code == 404
        assert client.post(reverse("plans:task-confirm", args=[task.pk])).status_code == 404
    client.force_login(world.viewer)  # reads the committee's plan, but is no assignee
    assert client.get(reverse("plans:task", args=[task.pk])).status_code == 200
    assert client.post(reverse("plans:task-progress", args=[task.pk]), {"progress": 1, "version": 1}
                       ).status_code == 403
