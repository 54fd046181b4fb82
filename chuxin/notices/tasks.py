"""Background jobs of notices (Django's tasks framework: the database worker, or RQ; inline in tests)."""

from django_tasks import task


@task()
def notify_notice_recipients(notice_id: int) -> int:
    """Tell each recipient of a notice in their notification centre (a big notice reaches thousands)."""
    from django.utils.translation import gettext_noop

    from chuxin.notifications.services import notify

    from .models import Notice, NoticeRecipient

    notice = Notice.objects.filter(pk=notice_id).select_related("organization").first()
    if notice is None:
        return 0
    told = 0
    params = {"title": notice.title, "org": notice.organization.name}
    # notify is idempotent: a rerun of the task tells nobody twice.
    for row in NoticeRecipient.objects.filter(notice=notice).select_related("user").iterator(chunk_size=2000):
        told += notify(recipient=row.user, kind="notice", target=notice, url=notice.get_absolute_url(),
                       title=gettext_noop("Notice from %(org)s: %(title)s"), params=params,
                       actor=notice.sender) is not None
    return told
