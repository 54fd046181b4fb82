"""Writes of the workbench: the personal calendar feed's secret."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record

from .models import FeedToken


@transaction.atomic
def feed_token_regenerate(*, actor) -> FeedToken:
    """Give the actor a new feed token (the first one, or a replacement: the old URL stops working). The returned
    feed carries the token in `token`, for the one answer that shows it; only its digest is stored."""
    if not getattr(actor, "is_authenticated", False):  # a person's own link: there is no one else's to make
        raise PermissionDenied
    feed = FeedToken.objects.select_for_update().filter(user=actor).first()
    created = False
    if feed is None:
        feed = FeedToken(user=actor)
        feed.new_token()
        try:
            with transaction.atomic():
                feed.save()
            created = True
        except IntegrityError:  # a twin request made the first one meanwhile: replace that one
            feed = FeedToken.objects.select_for_update().get(user=actor)
    if not created:
        feed.new_token()
        feed.created_at = timezone.now()  # when the current link was made
        feed.save(update_fields=["digest", "created_at"])
    # The token itself never goes into the log: it is a password for the feed.
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        target=feed,
        changes={} if created else {"token": ["…", "…"]},
    )
    return feed
