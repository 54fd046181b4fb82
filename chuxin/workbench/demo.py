"""Demo data of the workbench: nothing of its own (it shows the other apps' demo work), only a calendar link
for each demo account, so the "on my phone" page shows one exists (a link is shown only when it is made: making
a new one shows it)."""

from __future__ import annotations

import datetime

from chuxin.accounts.models import User

from .models import FeedToken

DEMO_USERS = ("worker", "secretary1", "committee1", "viewer", "member1")


def seed_demo_data(*, today: datetime.date) -> None:
    """Idempotent: an existing link is kept (a phone may already be subscribed to it)."""
    for user in User.objects.filter(username__in=DEMO_USERS).exclude(feed_token__isnull=False):
        feed = FeedToken(user=user)
        feed.new_token()
        feed.save()
