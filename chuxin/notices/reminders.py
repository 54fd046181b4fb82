"""The daily run's reminders: a notice whose confirm-by date is tomorrow reminds those who have not confirmed,
once (each person in their own notification centre)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_noop

from chuxin.core.protocols import Reminder

from .models import NoticeRecipient


def due_reminders(today: datetime.date) -> list[Reminder]:
    tomorrow = today + datetime.timedelta(days=1)
    rows = (NoticeRecipient.objects.filter(notice__needs_confirmation=True, notice__confirm_by=tomorrow,
                                           confirmed_at__isnull=True)
            .select_related("notice", "user"))
    return [Reminder(recipient=row.user, kind="due_soon", target=row.notice, url=row.notice.get_absolute_url(),
                     title=gettext_noop("Please confirm by %(due)s: %(title)s"),
                     params={"due": f"{tomorrow:%Y-%m-%d}", "title": row.notice.title},
                     dedup_key=f"confirm:{tomorrow:%Y-%m-%d}") for row in rows.iterator(chunk_size=2000)]
