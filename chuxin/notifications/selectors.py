"""Reads of the notification centre: a user sees their own notifications and nobody else's."""

from __future__ import annotations

from django.db.models import QuerySet

from chuxin.accounts.models import User
from chuxin.core.access import NOWHERE, Need, fetch

from .access import RECIPIENT
from .models import Notification


def notification_list(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def access_notification(user: User, pk) -> Notification:
    """The user's own notification; anyone else's, or one that does not exist, is 404 alike."""
    return fetch(user, Notification.objects.all(), pk, need=Need.READ, organization=NOWHERE, relations=[RECIPIENT])


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
