"""Personal relations to plans and tasks in the access policy (chuxin.core.access), declared once here.

The plan's owner keeps the plan and confirms its tasks, even when their own standing lies lower in the tree (the
committee's worker often keeps a branch's plan, and a branch member may own the committee's); a task's assignees
read it and report its progress, though a member of a branch assigned a task of the committee's plan has no
standing on the committee itself. Each lets in for reading; a place that lets one in further says so
(`ASSIGNEE.granting(Need.MANAGE)` where assignees tick their task's milestones).
"""

from __future__ import annotations

from chuxin.core.access import Need, Relation, is_user, rank_on

from .models import Task

OWNER = is_user("owner_id", "the plan's owner")  # on a plan
TASK_OWNER = OWNER.of("plan_item.plan")  # the same person, on one of the plan's tasks


def is_assignee(user, task: Task) -> bool:
    """One of the task's people, through the account of their member file."""
    return user.is_authenticated and task.assignments.filter(member__user=user).exists()


ASSIGNEE = Relation("an assignee of the task", is_assignee)  # on a task


def can_confirm(user, task: Task) -> bool:
    """The plan's owner, or a manager of its organization, confirms a task done (or reopens it)."""
    plan = task.plan_item.plan
    return TASK_OWNER.test(user, task) or rank_on(user, plan.organization.path) >= Need.MANAGE


def records_progress(user, task: Task) -> bool:
    """Who reports a task's progress: its people with a login; for a task whose people include some without one,
    also those who pass it on to them: the plan's owner or a manager of its organization (their secretary)."""
    if is_assignee(user, task):
        return True
    return (user.is_authenticated and task.assignments.filter(member__user__isnull=True).exists()
            and can_confirm(user, task))
