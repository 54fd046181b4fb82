"""The demo plan: every state present, the people in the three roles, idempotent."""

from __future__ import annotations

import datetime

import pytest
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
    assignments = TaskAssignment.objects.filter(task__plan_item__plan=plan)
    assert set(assignments.values_list("member__user__username", flat=True)) == {
        "worker", "secretary1", "committee1", "member1", None}  # None: two members without a login cooperate
    assert assignments.filter(member__user__isnull=True).values("member").distinct().count() == 2
    assert ProgressUpdate.objects.filter(task__plan_item__plan=plan).count() >= 20
    assert all(t.department_id for t in tasks)
    member1 = plan.owner.__class__.objects.get(username="member1")
    assert selectors.workbench_items(member1)
    assert any(w.state == "to confirm" for w in selectors.workbench_items(plan.owner))
    # Their secretary passes the tasks on to the members without a login.
    secretary1 = plan.owner.__class__.objects.get(username="secretary1")
    assert any(w.state == "to pass on" for w in selectors.workbench_items(secretary1))


def test_the_demo_plan_reads_like_a_committees_year(db):
    """The secretary leads (亲自抓) every task, others carry them out; a task that names its quarter is due in it;
    and on an ordinary day of the year every date lies inside the plan's year."""
    from chuxin.plans.demo import quarter_of

    call_command("seed_demo", unit_only=True, verbosity=0)
    today = datetime.date(2026, 8, 20)
    seed_demo_data(today=today)
    plan = Plan.objects.get(organization__code="HX-PC", year=2026)
    tasks = list(Task.objects.filter(plan_item__plan=plan).prefetch_related("assignments__member__user"))
    for task in tasks:
        roles = {a.role: a.member.user.username for a in task.assignments.all() if a.role != "cooperating"}
        assert roles["lead"] == "secretary1", task.title
        assert roles["responsible"] in ("worker", "committee1", "member1"), task.title
        assert task.start_on.year == task.due_on.year == 2026, task.title
    quarterly = [t for t in tasks if "季度" in t.title]
    assert [t.title for t in sorted(quarterly, key=lambda t: t.due_on)] == ["第二季度中心组专题学习", "第三季度中心组专题研讨"]
    assert all(t.title.startswith(quarter_of(t.due_on)) for t in quarterly)
    assert {t.title for t in tasks if "书记" in t.title} == {"书记讲党课"}


@pytest.mark.parametrize("today", [datetime.date(2026, 1, 3), datetime.date(2026, 12, 29)])
def test_at_the_years_ends_the_dates_move_into_the_year_only_where_the_states_allow(today):
    from chuxin.plans.demo import TASKS, in_year

    week = datetime.timedelta(days=7)
    for _i, title, _dept, _resp, _coop, _start, due, state, _updates in TASKS:
        moved = in_year(today + datetime.timedelta(days=due), today)
        # What the state needs is kept: overdue stays past, due soon within the week, not started further off.
        if state == "overdue":
            assert moved < today, title
        elif state == "due_soon":
            assert today <= moved <= today + week, title
        elif state == "open":
            assert moved > today + week, title
        if state == "done" and today.month == 1:
            assert moved == datetime.date(2026, 1, 1), title  # done before the year began: its first day
