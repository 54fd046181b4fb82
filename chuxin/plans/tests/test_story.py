"""The story of the issue at the view level: the secretary writes the plan, decomposes an item into tasks for two
departments and three people with the three roles, an assignee updates progress, a task passes its due date and
shows as overdue (on the plan, the workbench and the reminders); the owner confirms another one complete."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from chuxin.plans import reminders, selectors
from chuxin.plans.models import Plan, Task, TaskAssignment
from chuxin.records.models import WorkRecord

from .conftest import DUE, START


def test_the_secretary_plans_decomposes_and_an_assignee_reports(world, departments, sent, client, monkeypatch):
    client.force_login(world.secretary)
    response = client.post(reverse("plans:create", args=[world.b1.pk]),
                           {"year": 2026, "title": "第一支部2026年党建工作计划", "owner": world.secretary.pk})
    plan = Plan.objects.get(organization=world.b1, year=2026)
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", args=[plan.pk])
    area = plan.organization.plan_areas.get(name="组织建设")  # the defaults were created with the plan
    client.post(reverse("plans:item-create", args=[plan.pk]), {"area": area.pk, "title": "规范落实三会一课", "order": 1})
    item = plan.items.get()

    form = reverse("plans:task-create", args=[item.pk])
    for department, title, due in [(departments[0], "制定年度学习计划", DUE),
                                   (departments[1], "开展主题党日活动", datetime.date(2026, 4, 30))]:
        response = client.post(form, {
            "title": title, "department": department.pk, "start_on": START, "due_on": due,
            "lead": world.secretary.member.pk, "responsible": world.committee.member.pk, "cooperating": [world.member.pk],
            "token": title,
        })
        assert response.status_code == 302, response.context["form"].errors
    tasks = list(Task.objects.filter(plan_item=item).order_by("due_on"))
    assert [t.department for t in tasks] == [departments[1], departments[0]]
    roles = {(a.member.user.username, a.role) for a in tasks[0].assignments.select_related("member__user")}
    assert roles == {("secretary", "lead"), ("committee", "responsible"), ("member", "cooperating")}
    assert sent.notes == []  # a draft tells nobody yet

    client.post(reverse("plans:publish", args=[plan.pk]))
    assert sorted(sent.kinds_for(world.member_user)) == ["assigned", "assigned"]
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "开展主题党日活动" in page and departments[1].name in page and str(world.committee) in page

    # The plain member (a cooperating assignee) opens the task and reports progress through htmx.
    target = tasks[0]
    client.force_login(world.member_user)
    assert client.get(reverse("plans:task", args=[target.pk])).status_code == 200
    response = client.post(reverse("plans:task-progress", args=[target.pk]),
                           {"progress": 40, "note": "已完成两次主题党日", "version": target.version},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and b"<html" not in response.content
    assert "已完成两次主题党日" in response.content.decode()
    target.refresh_from_db()
    assert (target.progress, target.status, target.version) == (40, Task.Status.IN_PROGRESS, 2)

    # Time passes the due date: the task shows as overdue on the plan, the workbench and the reminders.
    later = datetime.date(2026, 5, 5)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: later)
    target.refresh_from_db()
    assert target.is_overdue and target.state == "overdue"
    client.force_login(world.secretary)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert 'data-state="overdue"' in page
    mine = {w.title: w for w in selectors.workbench_items(world.member_user)}
    assert mine["开展主题党日活动"].overdue and mine["开展主题党日活动"].state == "overdue"
    found = reminders.due_reminders(later)
    overdue = {(r.recipient.username, r.kind, r.dedup_key) for r in found if r.target == target}
    assert overdue == {(u, "overdue", "due:2026-04-30") for u in ("secretary", "committee", "member")}


def test_reaching_100_submits_and_the_owner_confirms(world, task, sent, client):
    from chuxin.plans.models import Plan

    Plan.objects.filter(pk=task.plan_item.plan_id).update(status=Plan.Status.PUBLISHED)
    client.force_login(world.committee)
    client.post(reverse("plans:task-progress", args=[task.pk]), {"progress": 100, "note": "完成", "version": 1})
    task.refresh_from_db()
    assert task.status == Task.Status.SUBMITTED
    assert "assigned" in sent.kinds_for(world.secretary)  # the owner is asked to confirm
    assert [w.state for w in selectors.workbench_items(world.secretary)] == ["to confirm"]
    assert selectors.workbench_items(world.committee) == []  # nothing left for the assignee to do

    client.force_login(world.member_user)  # an assignee, not the owner: refused
    assert client.post(reverse("plans:task-confirm", args=[task.pk])).status_code == 403
    client.force_login(world.secretary)
    client.post(reverse("plans:task-confirm", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.confirmed_by == world.secretary and task.confirmed_at
    # Collect once: one work record of the confirmed task, for its responsible person, on the day confirmed.
    record = WorkRecord.objects.get(kind="task_done")
    assert (record.organization, list(record.users.all()), record.on, record.target_id) == (
        world.b1, [world.committee], timezone.localtime(task.confirmed_at).date(), str(task.pk))
    assert sent.kinds_for(world.member_user).count("accepted") == 1

    client.post(reverse("plans:task-reopen", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS and task.confirmed_at is None


@pytest.mark.parametrize("role", ["lead", "responsible", "cooperating"])
def test_each_role_may_update_progress(world, task, sent, role):
    from chuxin.plans import services

    user = task.assignments.get(role=role).member.user
    services.progress_update(actor=user, task=task, progress=20, note="", expected_version=task.version)
    assert TaskAssignment.objects.filter(task=task).count() == 3
