"""The demo plan: every state present, the people in the three roles, idempotent."""

from __future__ import annotations

import datetime

from django.core.management import call_command

from chuxin.plans import selectors
from chuxin.plans.demo import seed_demo_data
from chuxin.plans.models import Plan, ProgressUpdate, Task, TaskAssignment


def test_the_demo_plan_has_tasks_in_every_state_and_is_idempotent(db):
    call_command("seed_demo", unit_only=True, verbosity=0)
    today = datetime.date.today()
    seed_demo_data(today=today)
    seed_demo_data(today=today)
    plan = Plan.objects.get(organization__code="HX-PC", year=today.year)
    assert plan.is_published and plan.items.count() == 8
    tasks = list(Task.objects.filter(plan_item__plan=plan))
    assert len(tasks) == 20
    assert {t.state for t in tasks} == {"done", "to_confirm", "in_progress", "overdue", "due_soon", "open"}
    assert all(t.confirmed_at and t.confirmed_at.date() < today for t in tasks if t.is_done)
    assert set(TaskAssignment.objects.filter(task__plan_item__plan=plan).values_list("user__username", flat=True)) == {
        "worker", "secretary1", "committee1", "member1"}
    assert ProgressUpdate.objects.filter(task__plan_item__plan=plan).count() >= 20
    assert all(t.department_id for t in tasks)
    member1 = plan.owner.__class__.objects.get(username="member1")
    assert selectors.workbench_items(member1)
    assert any(w.state == "to confirm" for w in selectors.workbench_items(plan.owner))
