"""Reads of the notification centre: a user sees their own notifications and nobody else's."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import ngettext

from chuxin.accounts.models import User
from chuxin.core import versions
from chuxin.core.access import NOWHERE, Need, fetch

from .access import RECIPIENT
from .models import Notification

# Notifications of one kind that arrive within this span are one row of the list ("3 new items to do").
GROUP_WINDOW = datetime.timedelta(hours=1)


def notification_list(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def access_notification(user: User, pk) -> Notification:
    """The user's own notification; anyone else's, or one that does not exist, is 404 alike."""
    return fetch(user, Notification.objects.all(), pk, need=Need.READ, organization=NOWHERE, relations=[RECIPIENT])


def unread_count(user: User) -> int:
    """What the bell counts: the user's unread notifications (not their open work: that is the workbench's)."""
    if not user.is_authenticated:
        return 0
    key = f"chuxin:unread:{user.pk}"
    stamp, found = versions.current_with(unread_version(user.pk), key)
    kept = found.get(key)  # (stamp, count)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    cache.set(key, (stamp, count), UNREAD_SECONDS)
    return count


# The bell's count is kept per person under a version of their own that every change of their unread
# notifications moves (services: a notification stored, one or all marked read), as the workbench count is kept
# (chuxin.core.versions): every page shows the bell, and a count query on each was ~0.8 ms of its CPU. A change
# made some other way (an SQL UPDATE, the admin) shows within this many seconds.
UNREAD_SECONDS = 600


def unread_version(user_id: int) -> str:
    """The name of the version a person's unread count is kept under; services.py moves it."""
    return f"unread:user:{user_id}"


def _group_title(kind: str, n: int) -> str:
    titles = {
        Notification.Kind.ASSIGNED: lambda: ngettext("%(n)s new item to do", "%(n)s new items to do", n),
        Notification.Kind.DUE_SOON: lambda: ngettext("%(n)s item due soon", "%(n)s items due soon", n),
        Notification.Kind.OVERDUE: lambda: ngettext("%(n)s item overdue", "%(n)s items overdue", n),
        Notification.Kind.RETURNED: lambda: ngettext("%(n)s item returned", "%(n)s items returned", n),
        Notification.Kind.REMINDED: lambda: ngettext("%(n)s reminder", "%(n)s reminders", n),
        Notification.Kind.DIRECTIVE: lambda: ngettext("%(n)s new directive", "%(n)s new directives", n),
        Notification.Kind.REPORT_DUE: lambda: ngettext("%(n)s report due", "%(n)s reports due", n),
        Notification.Kind.ACCEPTED: lambda: ngettext("%(n)s item accepted", "%(n)s items accepted", n),
    }
    title = titles.get(kind, lambda: ngettext("%(n)s notification", "%(n)s notifications", n))()
    return title % {"n": n}


@dataclass
class NotificationGroup:
    """Notifications of one kind that arrived within an hour of the newest of them, newest first."""

    kind: str
    items: list[Notification] = field(default_factory=list)

    @property
    def newest(self) -> Notification:
        return self.items[0]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def unread(self) -> int:
        return sum(1 for n in self.items if n.is_unread)

    @property
    def is_unread(self) -> bool:
        return self.unread > 0

    @property
    def title(self) -> str:
        """"3 new items to do" in the reader's language; one notification reads as itself."""
        return self.newest.text if self.count == 1 else _group_title(self.kind, self.count)


def grouped(notifications: Iterable[Notification], window: datetime.timedelta = GROUP_WINDOW
            ) -> list[NotificationGroup]:
    """Notifications (newest first) in rows: each joins the row of its kind whose newest arrived at most `window`
    before it, else starts a row of its own. Rows stand where their newest notification stands. No query."""
    groups: list[NotificationGroup] = []
    open_by_kind: dict[str, NotificationGroup] = {}
    for notification in notifications:
        current = open_by_kind.get(notification.kind)
        if current is not None and current.newest.created_at - notification.created_at <= window:
            current.items.append(notification)
            continue
        current = NotificationGroup(notification.kind, [notification])
        open_by_kind[notification.kind] = current
        groups.append(current)
    return groups
