"""Every write service of the plans app checks its actor itself, whoever calls it (a page, an API, a job): an
actor without standing on the plan's organization (a stranger; the sibling branch's secretary) is refused, and
nothing is written."""

from __future__ import annotations

from chuxin.plans import services
from chuxin.testing import not_refused, service_functions

from .conftest import DUE, START

NO_WRITE = {
    "task_url": "a link to a task's page",
    "task_delete_refusal": "why a task may not be deleted (a read)",
    "plan_item_delete_refusal": "why an item may not be deleted (a read)",
}


def calls(world, plan, item, task, milestone) -> dict:
    area = item.area
    return {
        "areas_add_defaults": lambda a: services.areas_add_defaults(actor=a, organization=world.b1),
        "areas_save": lambda a: services.areas_save(actor=a, organization=world.b1, rows=[(area, "改名")]),
        "area_move": lambda a: services.area_move(actor=a, area=area, up=False),
        "plan_create": lambda a: services.plan_create(actor=a, organization=world.b1, year=2031, title="计划",
                                                      owner=world.secretary),
        "plan_update": lambda a: services.plan_update(actor=a, plan=plan, title="改名"),
        "plan_publish": lambda a: services.plan_publish(actor=a, plan=plan),
        "plan_item_create": lambda a: services.plan_item_create(actor=a, plan=plan, area=area, title="事项"),
        "plan_item_update": lambda a: services.plan_item_update(actor=a, item=item, title="改名"),
        "task_create": lambda a: services.task_create(actor=a, plan_item=item, title="任务", start_on=START,
                                                      due_on=DUE),
        "task_update": lambda a: services.task_update(actor=a, task=task, expected_version=task.version,
                                                      title="改名"),
        "task_assign": lambda a: services.task_assign(actor=a, task=task, lead=world.secretary, responsible=None,
                                                      cooperating=[]),
        "progress_update": lambda a: services.progress_update(actor=a, task=task, progress=50,
                                                              expected_version=task.version),
        "task_confirm_complete": lambda a: services.task_confirm_complete(actor=a, task=task),
        "task_reopen": lambda a: services.task_reopen(actor=a, task=task),
        "milestone_create": lambda a: services.milestone_create(actor=a, task=task, title="节点", due_on=DUE),
        "milestone_toggle": lambda a: services.milestone_toggle(actor=a, milestone=milestone),
        "task_delete": lambda a: services.task_delete(actor=a, task=task),
        "plan_item_delete": lambda a: services.plan_item_delete(actor=a, item=item),
    }


def test_every_write_service_refuses_an_actor_without_standing(world, plan, item, task):
    milestone = services.milestone_create(actor=world.secretary, task=task, title="节点", due_on=DUE)
    tried = calls(world, plan, item, task, milestone)
    assert set(tried) | set(NO_WRITE) == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider) == []
