"""Daily reminders through the notification centre's run (once per item, kind and dedup key):

- recruitment deadlines: a person's next step due within the warning days (or overdue), to the secretaries and
  workers of the person's organization, once per person, step and due date;
- probation ending: a probationary member whose year ends within the warning days, to the same people, so the
  branch prepares the general meeting on full membership (once per member and end date);
- terms ending: an organization whose term ends within its warning days (chuxin.orgs' rule), to its own
  secretaries and workers and those of the organization above, once per organization and end date;
- political birthdays: a greeting to the member on the anniversary of joining, where the organization has
  switched it on (off by default), once a year.

A constant number of queries whatever the number of people: the people due, the members, the organizations, the
holders of each set, and the rule overrides once.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext_noop

from chuxin.core import rules as core_rules
from chuxin.core.access import Need, holders_by_org
from chuxin.core.protocols import Reminder
from chuxin.members.models import Member
from chuxin.orgs.models import Organization
from chuxin.orgs.rules import TERM_WARNING_DAYS

from . import deadlines
from .apps import BIRTHDAY_GREETING, WARNING_DAYS
from .models import Applicant

MAX_WARNING_DAYS = 60  # the rule's maximum: nothing further off can be due a warning anywhere


def due_reminders(today: datetime.date) -> list[Reminder]:
    book = core_rules.Resolver([""])
    return [*_recruitment(today, book), *_probation(today, book), *_terms(today, book), *_birthdays(today, book)]


def _officers(orgs) -> dict[int, list]:
    return holders_by_org(orgs, Need.MANAGE, serving=True)


def _recruitment(today, book) -> list[Reminder]:
    rows = list(Applicant.objects.filter(status=Applicant.Status.ACTIVE, next_due__isnull=False,
                                         next_due__lte=today + datetime.timedelta(days=MAX_WARNING_DAYS))
                .select_related("organization").only("id", "name", "next_step", "next_due", "organization__path",
                                                     "organization__name", "organization_id"))
    rows = [a for a in rows if (a.next_due - today).days <= book.value(WARNING_DAYS, a.organization)]
    people = _officers({a.organization for a in rows})
    found = []
    for a in rows:
        overdue = a.next_due < today
        for user in people.get(a.organization_id, []):
            found.append(Reminder(
                recipient=user, kind="overdue" if overdue else "due_soon", target=a,
                title=gettext_noop("Recruitment: step %(n)s for %(name)s is due by %(due)s"),
                url=f"/recruitment/{a.pk}/", dedup_key=f"step:{a.next_step}:{a.next_due:%Y-%m-%d}",
                params={"n": a.next_step, "name": a.name, "due": f"{a.next_due:%Y-%m-%d}"}))
    return found


def _probation(today, book) -> list[Reminder]:
    # Probation ends one year after joining: those who joined up to a year and MAX_WARNING_DAYS ago.
    start = today - datetime.timedelta(days=366)
    members = list(Member.objects.filter(category=Member.Category.PROBATIONARY, status=Member.Status.ACTIVE,
                                         joined_on__gte=start - datetime.timedelta(days=31),
                                         joined_on__lte=today - datetime.timedelta(days=365 - MAX_WARNING_DAYS))
                   .select_related("organization").only("id", "name", "joined_on", "organization__path",
                                                        "organization_id"))
    due = []
    for m in members:
        ends = deadlines.probation_ends(m.joined_on)
        if 0 <= (ends - today).days <= book.value(WARNING_DAYS, m.organization):
            due.append((m, ends))
    people = _officers({m.organization for m, _e in due})
    return [Reminder(recipient=user, kind="due_soon", target=m,
                     title=gettext_noop("%(name)s's probation ends on %(end)s: prepare the general meeting on "
                                        "full membership"),
                     url=f"/members/{m.pk}/", dedup_key=f"probation:{ends:%Y-%m-%d}",
                     params={"name": m.name, "end": f"{ends:%Y-%m-%d}"})
            for m, ends in due for user in people.get(m.organization_id, [])]


def _terms(today, book) -> list[Reminder]:
    maximum = book.rule(TERM_WARNING_DAYS).maximum or 365
    orgs = list(Organization.objects.filter(status=Organization.Status.ACTIVE, term_end__isnull=False,
                                            term_end__gte=today, term_end__lte=today + datetime.timedelta(
                                                days=maximum)).exclude(kind=Organization.Kind.PARTY_GROUP)
                .only("id", "name", "path", "term_end", "parent_id"))
    due = [o for o in orgs if (o.term_end - today).days <= book.value(TERM_WARNING_DAYS, o)]
    parents = list(Organization.objects.filter(pk__in={o.parent_id for o in due if o.parent_id}).only("id", "path"))
    people = _officers([*due, *parents])
    found = []
    for org in due:
        told = {u.pk: u for u in [*people.get(org.pk, []), *people.get(org.parent_id, [])]}
        for user in told.values():
            found.append(Reminder(
                recipient=user, kind="due_soon", target=org,
                title=gettext_noop("The term of %(org)s ends on %(end)s: prepare the re-election"),
                url=f"/orgs/{org.pk}/", dedup_key=f"term:{org.term_end:%Y-%m-%d}",
                params={"org": org.name, "end": f"{org.term_end:%Y-%m-%d}"}))
    return found


def _birthdays(today, book) -> list[Reminder]:
    day = Q(joined_on__month=today.month, joined_on__day=today.day)
    if today.month == 2 and today.day == 28 and not _leap(today.year):
        day |= Q(joined_on__month=2, joined_on__day=29)  # joined on 29 February: greeted on the 28th
    members = Member.objects.filter(day, status=Member.Status.ACTIVE, user__isnull=False,
                                    joined_on__lt=today).select_related("organization", "user").only(
        "id", "name", "joined_on", "user", "organization__path")
    found = []
    for m in members:
        if not book.value(BIRTHDAY_GREETING, m.organization):
            continue
        found.append(Reminder(
            recipient=m.user, kind="reminded", target=m,
            title=gettext_noop("Happy political birthday: %(years)s years ago today, on %(day)s, you joined the "
                               "Party."),
            url="/me/", dedup_key=f"birthday:{today.year}",
            params={"years": today.year - m.joined_on.year, "day": f"{m.joined_on:%Y-%m-%d}"}))
    return found


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
