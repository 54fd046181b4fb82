"""Scheduled reminders gathered from every app.

An app that has things to remind people of declares `reminders` in its hooks: `due_reminders(today: date) ->
list[Reminder]` (chuxin.core.protocols.Reminder); daily upkeep that is not a reminder is its `housekeeping`. The daily job (`manage.py send_reminders`, or the send_reminders_task it enqueues)
collects them all and sends each through `notify`, whose unique key makes a reminder go out once per item,
kind and dedup_key however often the job runs. Put the date in dedup_key (f"due:{item.due:%Y-%m-%d}") so a
moved deadline reminds again.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from chuxin.core import registry, versions
from chuxin.core.protocols import Reminder

logger = logging.getLogger(__name__)


def housekeep(today: datetime.date) -> None:
    """Every app's daily upkeep (registry hook `housekeeping`: opening report periods, making the year's lists),
    before the reminders that may depend on it. One app failing is logged and does not stop the others."""
    for app, job in registry.housekeeping():
        try:
            with transaction.atomic():
                job(today)
        except Exception:
            logger.exception("Housekeeping of %s failed", app)
    versions.bump("work")  # periods opened, lists made: every workbench count and kept list is gathered afresh


def collect(today: datetime.date) -> list[Reminder]:
    """Every app's reminders for `today` (registry hook `reminders`). One app failing is logged and does not
    silence the others."""
    reminders: list[Reminder] = []
    for app, due_reminders in registry.reminder_sources():
        try:
            reminders.extend(due_reminders(today))
        except Exception:
            logger.exception("Collecting reminders from %s failed", app)
    return reminders


def send_due_reminders(today: datetime.date | None = None) -> int:
    """Send today's reminders; returns how many were new (0 when the job already ran today)."""
    from .services import notify_once

    today = today or timezone.localdate()
    housekeep(today)
    sent = 0
    for reminder in collect(today):
        _notification, created = notify_once(
            recipient=reminder.recipient, kind=reminder.kind, target=reminder.target, title=reminder.title,
            url=reminder.url, dedup_key=reminder.dedup_key, params=reminder.params,
        )
        sent += created
    return sent
