"""Through the real notification centre: assignment on publishing, the overdue reminder once however often the
daily job runs, and the owner's request to confirm."""

from __future__ import annotations

import datetime

import pytest

from chuxin.plans import services

from .conftest import DUE, START

notifications = pytest.importorskip("chuxin.notifications.models")


def test_publishing_assigns_and_the_overdue_reminder_goes_out_once(world, item):
    from chuxin.notifications.reminders import send_due_reminders

    Notification = notifications.Notification
    task = services.task_create(actor=world.secretary, plan_item=item, title="开展主题党日", start_on=START,
                                due_on=DUE, lead=world.secretary, responsible=world.committee,
                                cooperating=[world.member_user])
    services.plan_publish(actor=world.secretary, plan=item.plan)
    services.plan_publish(actor=world.secretary, plan=item.plan)
    mine = Notification.objects.filter(recipient=world.member_user)
    assert list(mine.values_list("kind", flat=True)) == ["assigned"]

    after = DUE + datetime.timedelta(days=2)
    send_due_reminders(after)
    send_due_reminders(after)
    assert mine.filter(kind="overdue").count() == 1
    assert Notification.objects.filter(kind="overdue").count() == 3  # three assignees; the owner is one of them

    services.progress_update(actor=world.member_user, task=task, progress=100, expected_version=task.version)
    assert Notification.objects.filter(recipient=world.secretary, kind="assigned", title__contains="开展主题党日"
                                       ).count() == 2  # assigned as lead, then asked to confirm
