"""Background jobs of the notification centre (Django's tasks framework, the django-tasks backport).

The embedded default runs them with the database worker (`manage.py db_worker`, started by `make run`);
production with RQ on Redis (`manage.py rqworker --job-class django_tasks_rq.Job default`).
Arguments are plain ids: a task runs later, in another process, and reads the current state itself.
"""

from django_tasks import task


@task()
def send_reminders_task(day: str = "") -> int:
    """The daily reminder run: every app's due reminders, each sent once. `day` (YYYY-MM-DD) defaults to today."""
    import datetime

    from .reminders import send_due_reminders

    return send_due_reminders(datetime.date.fromisoformat(day) if day else None)


@task()
def send_notification_email(notification_id: int) -> bool:
    from .services import notification_send_email

    return notification_send_email(notification_id=notification_id)
