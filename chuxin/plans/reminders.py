"""Daily reminders for plan tasks, collected by the notifications app's job.

due_soon: the task is due within REMIND_DAYS_BEFORE days -> its lead and responsible person.
overdue: the due date has passed and the task is not done or submitted -> every assignee and the plan's owner.
The dedup key carries the due date, so each reminder goes out once, and again only if the deadline moves.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_noop

from chuxin.core.protocols import Reminder

from .models import Plan, Task, TaskAssignment

REMIND_DAYS_BEFORE = 3


def due_reminders(today: datetime.date) -> list:
    """Four queries: tasks due soon or overdue in published plans (with their owners), their assignments, their
    member files and their accounts. People without a login are reminded through their secretary's workbench."""
    tasks = list(
        Task.objects.filter(
            plan_item__plan__status=Plan.Status.PUBLISHED,
            status__in=[Task.Status.OPEN, Task.Status.IN_PROGRESS],
            due_on__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE),
        )
        .select_related("plan_item__plan__owner")
        .prefetch_related("assignments__member__user")
    )
    found = []
    for task in tasks:
        url = reverse("plans:task", args=[task.pk])
        key = f"due:{task.due_on:%Y-%m-%d}"
        assignments = list(task.assignments.all())
        if task.due_on < today:
            title = gettext_noop("Overdue since %(date)s: %(task)s")
            recipients = {a.member.user_id: a.member.user for a in assignments if a.member.user_id}
            owner = task.plan_item.plan.owner
            recipients.setdefault(owner.pk, owner)
            kind = "overdue"
        else:
            title = gettext_noop("Due on %(date)s: %(task)s")
            recipients = {a.member.user_id: a.member.user for a in assignments if a.member.user_id
                          and a.role in (TaskAssignment.Role.LEAD, TaskAssignment.Role.RESPONSIBLE)}
            kind = "due_soon"
        for user in recipients.values():
            found.append(Reminder(recipient=user, kind=kind, target=task, title=title, url=url, dedup_key=key,
                                  params={"date": f"{task.due_on:%Y-%m-%d}", "task": task.title}))
    return found
