"""Background jobs of notices (Django's tasks framework: the database worker, or RQ; inline in tests)."""

from django_tasks import task


@task()
def notify_notice_recipients(notice_id: int) -> int:
    """Tell each recipient of a notice in their notification centre (a big notice reaches thousands)."""
    from .services import notice_tell_recipients

    return notice_tell_recipients(notice_id)
