"""The plans app's URLs for the role matrix (chuxin/portal/tests/test_role_matrix.py).

At B1 the fixture's plain member is a cooperating assignee of the task, so the views that let assignees in
(task page, progress, milestones, attachments) answer them although they only hold a member file there.
"""

from __future__ import annotations

import datetime

from chuxin.testing import FORBIDDEN, OK, M, P, R, anywhere, get_and_post, obj, pk_of


def _plan(env, where: str):
    from chuxin.plans.models import Plan

    # Owned by the place's own manager, so owning (which lets one read the plan) adds no standing elsewhere.
    owner = env.users[{"B1": "secretary", "B2": "outsider", "X2": "superuser"}[where]]
    return env.once(("plan", where), lambda: Plan.objects.create(
        organization=env.org(where), year=2026, title=f"年度计划-{where}", owner=owner))


def _item(env, where: str):
    from chuxin.plans.models import PlanArea, PlanItem

    def make():
        area = PlanArea.objects.create(organization=env.org(where), name="组织建设", order=10)
        return PlanItem.objects.create(plan=_plan(env, where), area=area, title="规范三会一课")

    return env.once(("plan_item", where), make)


def _task(env, where: str):
    from chuxin.plans.models import Task, TaskAssignment

    def make():
        task = Task.objects.create(plan_item=_item(env, where), title="制定学习计划",
                                   start_on=datetime.date(2026, 1, 1), due_on=datetime.date(2026, 3, 31))
        if where == "B1":
            TaskAssignment.objects.create(task=task, member=env.world.member, role=TaskAssignment.Role.COOPERATING)
        return task

    return env.once(("task", where), make)


def _fresh_item(env, where: str):
    """An item without tasks, new each time: deleting one succeeds, so the next role needs another."""
    from chuxin.plans.models import PlanItem

    area = _item(env, where).area
    return PlanItem.objects.create(plan=_plan(env, where), area=area, title=f"误建事项{next(env.counter)}")


def _fresh_task(env, where: str):
    """A task without progress, new each time (a successful delete removes it)."""
    from chuxin.plans.models import Task

    return Task.objects.create(plan_item=_item(env, where), title=f"误建任务{next(env.counter)}",
                               start_on=datetime.date(2026, 1, 1), due_on=datetime.date(2026, 3, 31))


def _milestone(env, where: str):
    from chuxin.plans.models import Milestone

    return env.once(("milestone", where), lambda: Milestone.objects.create(
        task=_task(env, where), title="完成初稿", due_on=datetime.date(2026, 2, 1)))


def _update(env, where: str):
    from django.core.files.base import ContentFile

    from chuxin.plans.models import ProgressUpdate

    def make():
        update = ProgressUpdate(task=_task(env, where), author=env.users["secretary"], progress=10, note="开始")
        update.attachment.save("note.txt", ContentFile(b"progress"), save=False)
        update.save()
        return update

    return env.once(("progress_update", where), make)


def routes() -> dict:
    def build(getter):
        return lambda env, where: ({"pk": getter(env, where).pk}, {})

    assignee_ok = {("member", "B1"): OK}
    # Progress is for assignees only: everyone else with standing there is refused, managers included.
    only_assignees = {(role, "B1"): FORBIDDEN for role in ("committee", "secretary", "viewer", "worker")}
    only_assignees |= {("outsider", "B2"): FORBIDDEN, ("superuser", "X2"): FORBIDDEN}
    return {
        "plans:list": [anywhere("get", R)],
        "plans:create": get_and_post(obj("get", M, pk_of("org"))),
        "plans:areas": get_and_post(obj("get", M, pk_of("org"))),
        "plans:people": [obj("get", M, pk_of("org"))],  # the people picker's search (JSON)
        "plans:detail": [obj("get", R, build(_plan))],
        "plans:edit": get_and_post(obj("get", M, build(_plan))),
        "plans:publish": [obj("post", M, build(_plan))],
        "plans:export": [obj("get", R, build(_plan))],
        "plans:item-create": get_and_post(obj("get", M, build(_plan))),
        "plans:item-edit": get_and_post(obj("get", M, build(_item))),
        "plans:item-delete": [obj("post", M, build(_fresh_item))],
        "plans:task-create": get_and_post(obj("get", M, build(_item))),
        "plans:task": [obj("get", R, build(_task), special=assignee_ok)],
        "plans:task-edit": get_and_post(obj("get", M, build(_task))),
        "plans:task-delete": [obj("post", M, build(_fresh_task))],
        "plans:task-progress": [obj("post", P, build(_task), special=only_assignees)],
        "plans:task-confirm": [obj("post", M, build(_task))],
        "plans:task-reopen": [obj("post", M, build(_task))],
        "plans:milestone-create": [obj("post", M, build(_task))],
        "plans:milestone-toggle": [obj("post", M, build(_milestone), special=assignee_ok)],
        "plans:attachment": [obj("get", R, build(_update), special=assignee_ok)],
    }
