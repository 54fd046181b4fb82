"""Daily reminders before a stage of the evaluation closes: participants who have not written their
self-assessment, or not cast their ballot, within REMIND_DAYS of the stage's date. The dedup key carries the date,
so each goes out once (and again if the secretary moves the date)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_noop

from chuxin.core.protocols import Reminder

from .models import Evaluation, Participant, VoterRecord

REMIND_DAYS = 3
S = Evaluation.Stage


def due_reminders(today: datetime.date) -> list[Reminder]:
    """Two queries whatever the numbers: the self-assessments missing, the ballots missing (with the accounts)."""
    soon = today + datetime.timedelta(days=REMIND_DAYS)
    reminders: list[Reminder] = []
    writing = (
        Participant.objects.filter(evaluation__stage=S.SELF_ASSESSMENT, evaluation__self_assessment_due__gte=today,
                                   evaluation__self_assessment_due__lte=soon, self_assessment="",
                                   member__user__isnull=False)
        .select_related("evaluation__organization", "member__user")
    )
    for p in writing:
        e = p.evaluation
        reminders.append(Reminder(
            recipient=p.member.user, kind="due_soon", target=e,
            title=gettext_noop("Member evaluation %(year)s: your self-assessment is due %(due)s"),
            url=reverse("evaluation:mine", kwargs={"pk": e.pk}),
            dedup_key=f"self:{e.self_assessment_due:%Y-%m-%d}",
            params={"year": e.year, "due": f"{e.self_assessment_due:%Y-%m-%d}"}))
    voting = (
        Participant.objects.filter(evaluation__stage=S.GRADING, evaluation__grading_due__gte=today,
                                   evaluation__grading_due__lte=soon, member__user__isnull=False)
        .exclude(Exists(VoterRecord.objects.filter(voter=OuterRef("pk"))))
        .select_related("evaluation__organization", "member__user")
    )
    for p in voting:
        e = p.evaluation
        reminders.append(Reminder(
            recipient=p.member.user, kind="due_soon", target=e,
            title=gettext_noop("Member evaluation %(year)s: peer grading closes %(due)s; cast your ballot"),
            url=reverse("evaluation:mine", kwargs={"pk": e.pk}),
            dedup_key=f"vote:{e.grading_due:%Y-%m-%d}",
            params={"year": e.year, "due": f"{e.grading_due:%Y-%m-%d}"}))
    return reminders
