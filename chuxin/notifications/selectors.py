"""Reads of the notification centre: a user sees their own notifications and nobody else's."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from chuxin.accounts.models import User

from .models import Notification


def notification_list(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def notification_get(user: User, pk: int) -> Notification:
    """The user's own notification; anyone else's, or one that does not exist, is 404 alike."""
    return get_object_or_404(Notification, pk=pk, recipient=user)


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
