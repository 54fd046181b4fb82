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
    # The secretary made the task and leads it: not told of their own assignment, only asked to confirm.
    assert list(Notification.objects.filter(recipient=world.secretary, kind="assigned").values_list(
        "message", flat=True)) == ["Please confirm completion: %(task)s"]


@pytest.mark.django_db(transaction=True)
def test_the_reminder_job_queued_in_the_database_is_run_by_the_database_worker(world, item, settings):
    """The tests otherwise run jobs inline; here the daily job goes through the embedded default's queue (a row in
    the database, as `manage.py send_reminders` leaves it) and the real worker (`manage.py db_worker --batch`,
    which runs what is queued and stops) sends the overdue reminders."""
    from django.core.management import call_command
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from chuxin.notifications.tasks import send_reminders_task

    Notification = notifications.Notification
    task = services.task_create(actor=world.secretary, plan_item=item, title="开展主题党日", start_on=START,
                                due_on=DUE, lead=world.secretary, responsible=world.committee,
                                cooperating=[world.member_user])
    services.plan_publish(actor=world.secretary, plan=item.plan)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

    result = send_reminders_task.enqueue((DUE + datetime.timedelta(days=2)).isoformat())
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.READY
    assert not Notification.objects.filter(kind="overdue").exists()  # queued, not run

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 3
    overdue = Notification.objects.filter(kind="overdue")
    assert set(overdue.values_list("recipient__username", flat=True)) == {"secretary", "committee", "member"}
    assert {n.url for n in overdue} == {f"/plans/tasks/{task.pk}/"}
    assert all("开展主题党日" in n.title for n in overdue)
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()  # nothing left in the queue
