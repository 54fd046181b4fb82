"""Quarter-end reminders of responsibility duties behind schedule, collected by the notifications app's job.

In the last REMIND_DAYS_BEFORE days of each quarter, the holder of a list (with a login) gets one "due_soon"
reminder per list when some duty is behind what the quarter's end asks for (the year's count spread evenly).
The dedup key names the quarter, so it goes out once a quarter however often the job runs.

The year's lists are made by this app's housekeeping (services.lists_ensure_housekeeping), which the daily
run does first.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from chuxin.core.protocols import Reminder

from .models import ListItem, ResponsibilityList
from .selectors import expected_by

REMIND_DAYS_BEFORE = 14


def quarter_end(today: datetime.date) -> datetime.date:
    month = (today.month - 1) // 3 * 3 + 3
    first_of_next = datetime.date(today.year + (month == 12), month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def due_reminders(today: datetime.date) -> list:
    """One query in the reminding days (open items of held lists with their holders), none on other days."""
    end = quarter_end(today)
    if (end - today).days >= REMIND_DAYS_BEFORE:
        return []
    items = (
        ListItem.objects.filter(list__year=today.year, done_at__isnull=True)
        .filter(Q(list__holder_user__isnull=False) | Q(list__holder_member__user__isnull=False))
        .select_related("list__holder_user", "list__holder_member__user", "list__template")
        .order_by("list_id", "pk")
    )
    behind: dict[int, tuple[ResponsibilityList, int]] = {}
    for item in items:
        if item.done_count < expected_by(item.required_count, end):
            rlist, n = behind.get(item.list_id, (item.list, 0))
            behind[item.list_id] = (rlist, n + 1)
    quarter = (today.month - 1) // 3 + 1
    reminders = []
    for rlist, n in behind.values():
        recipient = rlist.holder_user or (rlist.holder_member.user if rlist.holder_member_id else None)
        reminders.append(Reminder(
            recipient=recipient, kind="due_soon", target=rlist,
            title=gettext_noop("%(list)s: %(n)s duties behind schedule before the quarter ends"),
            params={"list": rlist.template.title, "n": n},
            url=reverse("responsibilities:list", kwargs={"pk": rlist.pk}),
            dedup_key=f"quarter:{today.year}Q{quarter}",
        ))
    return reminders
