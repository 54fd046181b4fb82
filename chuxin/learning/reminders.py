"""Daily reminders of required reading: each person asked who has not yet opened the item, a few days before it
is due (the configurable number, 2 by default), once per reading and due date. Never a reminder to anyone
else about them, never a list of who is behind sent around."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_noop

from chuxin.core import rules as core_rules
from chuxin.core.protocols import Reminder

from .apps import REMIND_DAYS
from .models import Reading, Receipt
from .selectors import expected_readers

LOOK_AHEAD_MAX = 30  # the rule's maximum


def due_reminders(today: datetime.date) -> list[Reminder]:
    readings = Reading.objects.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(
        days=LOOK_AHEAD_MAX)).select_related("item", "organization")
    found: list[Reminder] = []
    for reading in readings:
        days = core_rules.value(REMIND_DAYS, reading.organization)
        if (reading.due_on - today).days > days:
            continue
        readers = expected_readers(reading).filter(user__isnull=False).select_related("user")
        opened = set(Receipt.objects.filter(item=reading.item_id).values_list("member_id", flat=True))
        for member in readers:
            if member.pk in opened:
                continue
            found.append(Reminder(
                recipient=member.user, kind="due_soon", target=reading,
                title=gettext_noop("Required reading by %(date)s: %(title)s"), url=reading.item.get_absolute_url(),
                dedup_key=f"reading:{reading.due_on:%Y-%m-%d}",
                params={"date": f"{reading.due_on:%Y-%m-%d}", "title": reading.item.title}))
    return found
