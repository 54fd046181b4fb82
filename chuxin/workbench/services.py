"""Writes of the workbench: the personal calendar feed's secret."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record

from .models import FeedToken, new_feed_token


@transaction.atomic
def feed_token_regenerate(*, actor, request=None) -> FeedToken:
    """Give the actor a new feed token (the first one, or a replacement: the old URL stops working)."""
    feed, created = FeedToken.objects.select_for_update().get_or_create(user=actor)
    if not created:
        feed.token = new_feed_token()
        feed.created_at = timezone.now()  # when the current link was made
        feed.full_clean()
        feed.save(update_fields=["token", "created_at"])
    # The token itself never goes into the log: it is a password for the feed.
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        target=feed,
        request=request,
        changes={} if created else {"token": ["…", "…"]},
    )
    return feed
