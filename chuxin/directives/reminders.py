"""Daily reminders for directives: each recipient organization not yet done, due within two days or past due,
reminds its secretaries and Party-affairs workers. The notifications app's daily job collects these; the
dedup key carries the due date, so each goes out once per kind (and again if the sender moves the date)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_noop

from chuxin.core.protocols import Reminder

from . import selectors
from .models import Directive, DirectiveRecipient

DUE_SOON_DAYS = 2


def due_reminders(today: datetime.date) -> list:
    """Three queries whatever the number of rows: the rows with their organizations, then the officers (the
    access policy's holders: their holdings, their accounts)."""

    rows = list(
        DirectiveRecipient.objects.exclude(state=DirectiveRecipient.State.COMPLETED)
        .filter(directive__status=Directive.Status.OPEN,
                directive__due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
        .select_related("directive", "organization")
        .only("id", "organization_id", "directive__title", "directive__due_on", "organization__path")
    )
    if not rows:
        return []
    people = selectors.officers({row.organization_id: row.organization for row in rows}.values(), today)
    reminders = []
    for row in rows:
        due = row.directive.due_on
        if due < today:
            kind, title = "overdue", gettext_noop("Overdue directive: %(title)s (due %(due)s)")
        else:
            kind, title = "due_soon", gettext_noop("Directive due soon: %(title)s (due %(due)s)")
        params = {"title": row.directive.title, "due": f"{due:%Y-%m-%d}"}
        url = reverse("directives:recipient", kwargs={"pk": row.pk})
        for user in people.get(row.organization_id, []):
            reminders.append(Reminder(recipient=user, kind=kind, target=row, title=title, url=url,
                                      dedup_key=f"due:{due:%Y-%m-%d}", params=params))
    return reminders
