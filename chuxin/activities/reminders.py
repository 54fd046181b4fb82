"""The daily run's reminders: an activity tomorrow, for each member with a place (not those waiting)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_noop

from chuxin.core.protocols import Reminder

from .models import Activity, Participant


def due_reminders(today: datetime.date) -> list[Reminder]:
    """One query whatever the number of activities and participants."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    rows = (Participant.objects.filter(activity__status=Activity.Status.OPEN, activity__starts_at__gte=start,
                                       activity__starts_at__lt=start + datetime.timedelta(days=1),
                                       state=Participant.State.SIGNED_UP, member__user__isnull=False)
            .select_related("activity", "member__user"))
    reminders = []
    for row in rows:
        activity = row.activity
        when = timezone.localtime(activity.starts_at)
        reminders.append(Reminder(
            recipient=row.member.user, kind="reminded", target=activity,
            title=gettext_noop("Tomorrow: %(title)s at %(when)s, %(place)s"), url=activity.get_absolute_url(),
            dedup_key=f"before:{when:%Y-%m-%d}",
            params={"title": activity.title, "when": f"{when:%H:%M}", "place": activity.place}))
    return reminders
