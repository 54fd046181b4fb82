"""Scheduled reminders gathered from every app.

An app that has things to remind people of exposes `due_reminders(today: date) -> list[Reminder]` in
`chuxin/<app>/reminders.py`. The daily job (`manage.py send_reminders`, or the send_reminders_task it enqueues)
collects them all and sends each through `notify`, whose unique key makes a reminder go out once per item,
kind and dedup_key however often the job runs. Put the date in dedup_key (f"due:{item.due:%Y-%m-%d}") so a
moved deadline reminds again.
"""

from __future__ import annotations

import datetime
import importlib
import logging
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    recipient: Any  # a User (None or inactive: skipped)
    kind: str  # a Notification.Kind value: "due_soon", "overdue", "report_due"...
    target: Any  # the model instance it is about
    title: str  # the message, untranslated (gettext_noop), with `params`: notify renders it for each reader
    url: str  # a local path where the recipient acts
    dedup_key: str = ""
    params: dict | None = None


def reminder_modules() -> list:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("chuxin."):
            continue
        name = f"{config.name}.reminders"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        if callable(getattr(module, "due_reminders", None)):
            found.append(module)
    return found


def collect(today: datetime.date) -> list[Reminder]:
    """Every app's reminders for `today`. One app failing is logged and does not silence the others."""
    reminders: list[Reminder] = []
    for module in reminder_modules():
        try:
            reminders.extend(module.due_reminders(today))
        except Exception:
            logger.exception("Collecting reminders from %s failed", module.__name__)
    return reminders


def send_due_reminders(today: datetime.date | None = None) -> int:
    """Send today's reminders; returns how many were new (0 when the job already ran today)."""
    from .services import notify_once

    today = today or timezone.localdate()
    sent = 0
    for reminder in collect(today):
        _notification, created = notify_once(
            recipient=reminder.recipient, kind=reminder.kind, target=reminder.target, title=reminder.title,
            url=reminder.url, dedup_key=reminder.dedup_key, params=reminder.params,
        )
        sent += created
    return sent
