"""Daily reminders before a campaign stage ends: each participating organization whose required actions of the
stage are not all done reminds its secretaries and workers, once per organization and stage (the target is the
organization's participation, the dedup key the stage and its end date, so a moved end reminds again).

A constant number of queries: the stages ending soon, the participants, the ticks, the overrides of the rule,
the holders.
"""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_noop

from chuxin.core import rules as core_rules
from chuxin.core.access import Need, holders_by_org
from chuxin.core.protocols import Reminder

from .apps import STAGE_REMINDER_DAYS
from .models import ActionDone, Campaign, Participant, Stage

LONGEST = 30  # the rule's maximum: no stage ending later can be due


def due_reminders(today: datetime.date) -> list[Reminder]:
    stages = list(Stage.objects.filter(campaign__status=Campaign.Status.RUNNING, ends_on__gte=today,
                                       ends_on__lte=today + datetime.timedelta(days=LONGEST))
                  .annotate(required=Count("actions")).filter(required__gt=0).select_related("campaign"))
    if not stages:
        return []
    participants = list(Participant.objects.filter(campaign__in={s.campaign_id for s in stages})
                        .select_related("organization"))
    done = {(p, s): n for p, s, n in ActionDone.objects.filter(stage__in=stages).values_list(
        "participant_id", "stage_id").annotate(n=Count("id")).values_list("participant_id", "stage_id", "n")}
    resolver = core_rules.Resolver([""])
    due: list[tuple[Participant, Stage]] = []
    for stage in stages:
        for p in participants:
            if p.campaign_id != stage.campaign_id or done.get((p.pk, stage.pk), 0) >= stage.required:
                continue
            if (stage.ends_on - today).days <= resolver.value(STAGE_REMINDER_DAYS, p.organization):
                due.append((p, stage))
    if not due:
        return []
    people = holders_by_org({p.organization for p, _s in due}, Need.MANAGE, on=today, serving=True)
    reminders = []
    for p, stage in due:
        params = {"campaign": stage.campaign.name, "stage": stage.name, "end": f"{stage.ends_on:%Y-%m-%d}",
                  "org": p.organization.name}
        for user in people.get(p.organization_id, []):
            reminders.append(Reminder(
                recipient=user, kind="due_soon", target=p,
                title=gettext_noop("%(campaign)s: the stage “%(stage)s” ends on %(end)s and %(org)s has not done "
                                   "all its required actions"),
                url=reverse("campaigns:checklist", args=[p.pk]), dedup_key=f"stage:{stage.pk}:{stage.ends_on}",
                params=params))
    return reminders
