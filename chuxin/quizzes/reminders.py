"""Reminders before an exam closes: each member of its audience with an account who has not handed in a paper
(nor used up their attempts), once per exam and closing time, within the configurable hours before it closes
(24 by default). A constant number of queries: the open exams, their audiences, the members, the attempts."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from chuxin.core import rules as core_rules
from chuxin.core.protocols import Reminder
from chuxin.members.models import Member

from .apps import CLOSING_HOURS
from .models import Attempt, Exam


def due_reminders(today: datetime.date) -> list[Reminder]:
    now = timezone.now()
    exams = list(Exam.objects.filter(status=Exam.Status.PUBLISHED, opens_at__lte=now, closes_at__gt=now,
                                     closes_at__lte=now + datetime.timedelta(hours=168))
                 .select_related("organization").prefetch_related("audience_orgs", "audience_members"))
    if not exams:
        return []
    resolver = core_rules.Resolver([e.organization.path for e in exams])
    found: list[Reminder] = []
    for exam in exams:
        hours = resolver.value(CLOSING_HOURS, exam.organization)
        if exam.closes_at - now > datetime.timedelta(hours=hours):
            continue
        q = Q(pk__in=[m.pk for m in exam.audience_members.all()])
        for org in exam.audience_orgs.all():
            q |= Q(organization__path__startswith=org.path)
        members = Member.objects.filter(q, status=Member.Status.ACTIVE, user__isnull=False).select_related("user")
        done: dict[int, list[Attempt]] = {}
        for attempt in Attempt.objects.filter(exam=exam, submitted_at__isnull=False):
            done.setdefault(attempt.user_id, []).append(attempt)
        for member in members:
            mine = done.get(member.user_id, [])
            if any(a.passed for a in mine) or len(mine) >= exam.max_attempts:
                continue
            found.append(Reminder(
                recipient=member.user, kind="due_soon", target=exam,
                title=gettext_noop("The exam “%(title)s” closes at %(when)s."), url=exam.get_absolute_url(),
                dedup_key=f"closes:{exam.closes_at:%Y-%m-%dT%H:%M}",
                params={"title": exam.title, "when": timezone.localtime(exam.closes_at).strftime("%Y-%m-%d %H:%M")}))
    return found
