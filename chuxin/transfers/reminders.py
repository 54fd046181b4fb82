"""Introduction letters whose return slip has not come back within their validity: the sending organization's
secretaries and workers are reminded once per letter."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_noop

from chuxin.core.access import Need, holders_by_org
from chuxin.core.protocols import Reminder

from .selectors import overdue_letters


def due_reminders(today: datetime.date) -> list[Reminder]:
    letters = [t for t in overdue_letters(today) if t.is_overdue(today)]
    people = holders_by_org({t.organization for t in letters}, Need.MANAGE, serving=True)
    return [Reminder(recipient=user, kind="overdue", target=t,
                     title=gettext_noop("Introduction letter %(number)s for %(name)s: the return slip is overdue"),
                     url=f"/transfers/{t.pk}/", dedup_key=f"letter:{t.letter_number}",
                     params={"number": t.letter_number, "name": t.member.name})
            for t in letters for user in people.get(t.organization_id, [])]
