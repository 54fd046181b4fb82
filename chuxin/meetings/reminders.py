"""Daily reminders for organizational life, through the notification centre's daily run:

- before a period closes (the configurable number of days, 14 by default): each organization that must hold a
  kind of meeting and has neither held it, nor a convened meeting in the period, nor an exemption, reminds its
  secretaries and workers, once per organization, kind and period (the dedup key);
- the day before a convened meeting, each expected attendee with an account, once per meeting and date.

A constant number of queries: the organizations, the seats, the meetings of the current periods, the exemptions,
the frequency overrides, the parents of the organizations due, the officers, and the next day's attendances.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from chuxin.core import rules as core_rules
from chuxin.core.access import Need, holders_by_org
from chuxin.core.protocols import Reminder
from chuxin.orgs.models import Organization, Position

from . import rules
from .apps import CLOSING_DAYS, FREQUENCY
from .models import Attendance, Meeting, PeriodExemption


def due_reminders(today: datetime.date) -> list[Reminder]:
    return [*_closing(today), *_tomorrow(today)]


def _closing(today: datetime.date) -> list[Reminder]:
    kinds = [k for k in rules.REQUIRED_KINDS]
    org_kinds = {ok for k in kinds for ok in rules.APPLIES_TO[k]}
    orgs = list(Organization.objects.filter(kind__in=org_kinds, status=Organization.Status.ACTIVE)
                .only("id", "path", "name", "kind", "parent_id"))
    if not orgs:
        return []
    resolver = core_rules.Resolver([""])
    seats = set(Position.objects.filter(started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)).exclude(kind__in=Position.LEADER_KINDS)
        .values_list("organization_id", flat=True).distinct())
    due: list[tuple[Organization, str, str, datetime.date]] = []
    for org in orgs:
        days = resolver.value(CLOSING_DAYS, org)
        for kind in kinds:
            if not rules.kind_applies(kind, org.kind, has_committee=org.pk in seats):
                continue
            freq = resolver.value(FREQUENCY[kind], org)
            if freq == "none":
                continue
            period = rules.period_of(today, freq)
            end = rules.period_bounds(period)[1]
            if 0 <= (end - today).days <= days:
                due.append((org, kind, period, end))
    if not due:
        return []
    periods = {p for _o, _k, p, _e in due}
    done = set(Meeting.objects.filter(period__in=periods, organization__in={o.pk for o, *_ in due},
                                      status__in=[Meeting.Status.CONVENED, Meeting.Status.FINALIZED])
               .values_list("organization_id", "kind", "period"))
    done |= set(PeriodExemption.objects.filter(period__in=periods).values_list("organization_id", "kind", "period"))
    due = [d for d in due if (d[0].pk, d[1], d[2]) not in done]
    # Who hears: the organization's secretaries and workers; a Party group, which has none of its own, its
    # branch's (the parents are read in the same two queries).
    parents = {o.parent_id for o, *_ in due if o.parent_id}
    wanted = {o.pk: o for o, *_ in due} | {p.pk: p for p in Organization.objects.filter(pk__in=parents).only(
        "id", "path")}
    people = holders_by_org(wanted.values(), Need.MANAGE, on=today, serving=True)
    reminders = []
    for org, kind, period, end in due:
        params = {"kind": str(rules.Kind(kind).label), "org": org.name, "end": f"{end:%Y-%m-%d}"}
        for user in people.get(org.pk) or people.get(org.parent_id, []):
            reminders.append(Reminder(
                recipient=user, kind="due_soon", target=org,
                title=gettext_noop("No %(kind)s held yet by %(org)s; the period closes on %(end)s"),
                url=f"/meetings/new/?organization={org.pk}&kind={kind}", dedup_key=f"meeting:{kind}:{period}",
                params=params))
    return reminders


def _tomorrow(today: datetime.date) -> list[Reminder]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    rows = (Attendance.objects.filter(meeting__status=Meeting.Status.CONVENED, meeting__planned_at__gte=start,
                                      meeting__planned_at__lt=start + datetime.timedelta(days=1),
                                      member__user__isnull=False, expected=True)
            .exclude(state__in=[*Attendance.EXCUSED, Attendance.State.LEAVE])
            .select_related("meeting", "member__user"))
    reminders = []
    for row in rows:
        m = row.meeting
        when = timezone.localtime(m.planned_at)
        reminders.append(Reminder(
            recipient=row.member.user, kind="reminded", target=m,
            title=gettext_noop("Tomorrow: %(title)s at %(when)s, %(place)s"), url=m.get_absolute_url(),
            dedup_key=f"before:{when:%Y-%m-%d}",
            params={"title": m.title, "when": f"{when:%H:%M}", "place": m.place or "—"}))
    return reminders
