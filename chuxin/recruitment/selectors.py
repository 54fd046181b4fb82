"""Reads of recruitment, narrowed to what the user may see: people in scope for READ, and a person's own record."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.access import Need, fetch, scope_prefixes, scope_q, scope_ranges
from chuxin.core.db import Bound, PreparedExists
from chuxin.core.paths import ranges_q
from chuxin.core.protocols import WorkItem
from chuxin.members.models import Member

from . import deadlines
from .access import THE_PERSON
from .models import Applicant, Stage, StepRecord, StepRule

# The overview and the workbench show what is due within a month: the talk is due within one month of the
# application, so it shows from the day the application is recorded. (Reminders go out nearer, by the rule.)
SOON_DAYS = 31


def applicant_list(user, *, organization=None, stage: int | None = None, status: str = "active") -> QuerySet:
    """People the user may see: in their READ scope, or their own record."""
    qs = Applicant.objects.filter(scope_q(user, Need.READ, "organization_path") | Q(user_id=user.pk))
    if organization is not None:
        qs = qs.filter(organization_path__startswith=organization.path)
    if stage:
        qs = qs.filter(stage=stage)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("organization").only(
        "id", "name", "stage", "status", "applied_on", "next_step", "next_due", "next_earliest", "user_id",
        "organization__name", "organization__path")


def access_applicant(user, pk, *, need: Need = Need.READ) -> Applicant:
    return fetch(user, Applicant.objects.select_related("organization", "rule_set", "member"), pk, need=need,
                 relations=[THE_PERSON])


def step_rules(applicant: Applicant) -> list[StepRule]:
    return list(applicant.rule_set.steps.order_by("number"))


def timeline(applicant: Applicant) -> dict:
    """Every step of the person's rule set with what was recorded, and the next step's limits: the detail page."""
    rules = step_rules(applicant)
    records = list(applicant.steps.select_related("meeting", "recorded_by").prefetch_related("people",
                                                                                             "attachments"))
    done = deadlines.done_dates(records)
    by_number: dict[int, list[StepRecord]] = {}
    for r in records:
        by_number.setdefault(r.number, []).append(r)
    nxt = deadlines.next_step(rules, done) if applicant.status == Applicant.Status.ACTIVE else None
    repeat = [r for r in rules if r.repeatable and r.number in done and nxt and r.number < nxt.number
              and not any(n > r.number for n in done)]
    stages = []
    for value, label in Stage.choices:
        stages.append({"value": value, "label": label,
                       "steps": [{"rule": r, "records": by_number.get(r.number, []),
                                  "is_next": bool(nxt and nxt.number == r.number)}
                                 for r in rules if r.stage == value]})
    return {"stages": stages, "next": nxt, "next_rule": next((r for r in rules if nxt and r.number == nxt.number),
                                                             None),
            "repeat": repeat, "today": timezone.localdate()}


def overview(user, organization) -> dict:
    """A committee's pipeline: people per stage and the deadlines coming soon. Two queries whatever the number of
    people (the counts; the next 50 deadlines), both on the indexes of the overview."""
    today = timezone.localdate()
    active = Applicant.objects.filter(organization_path__startswith=organization.path,
                                      status=Applicant.Status.ACTIVE)
    counts = dict(active.order_by().values_list("stage").annotate(n=Count("id")))
    days = SOON_DAYS
    soon = list(active.filter(next_due__isnull=False, next_due__lte=today + datetime.timedelta(days=days))
                .select_related("organization").only("id", "name", "next_step", "next_due", "stage",
                                                      "organization__name").order_by("next_due", "id")[:50])
    return {"stages": [{"value": v, "label": label, "count": counts.get(v, 0)} for v, label in Stage.choices],
            "total": sum(counts.values()), "soon": soon, "today": today, "days": days}


def eligible_people(applicant: Applicant) -> QuerySet:
    """Full members of the person's organization (sponsors, contacts): the form offers these; the service checks."""
    return Member.objects.filter(organization__path__startswith=applicant.organization_path,
                                 status=Member.Status.ACTIVE).only("id", "name", "category").order_by(
        "name_pinyin", "id")


def _due_by(where: Q, horizon: datetime.date) -> QuerySet[Applicant]:
    """The people in the process in `where` (a scope's filter on the organization's path) whose next step is due
    by `horizon`."""
    return Applicant.objects.filter(where, status=Applicant.Status.ACTIVE, next_due__lte=horizon)


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`); nothing for those who manage nowhere."""
    bounds = scope_ranges(user, Need.MANAGE) if user.is_authenticated else []
    return [_PROBE.bind(bounds, timezone.localdate() + datetime.timedelta(days=SOON_DAYS))] if bounds else []


_PROBE = PreparedExists(lambda bounds, horizon: _due_by(ranges_q(bounds, "organization_path"), horizon))


def workbench_items(user) -> list[WorkItem]:
    """The next step of each person where the user manages, once it is due within the warning days (or its
    earliest day has come); the person's own next step for the person. Two queries."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=SOON_DAYS)
    items: list[WorkItem] = []
    if scope_prefixes(user, Need.MANAGE):
        rows = (_due_by(scope_q(user, Need.MANAGE, "organization_path"), horizon)
                .select_related("organization", "rule_set").only(
                    "id", "name", "next_step", "next_due", "organization__name", "rule_set__name",
                    "rule_set__name_en", "rule_set_id").order_by("next_due")[:100])
        rows = list(rows)
        names = dict(((s.rule_set_id, s.number), s.display_name) for s in StepRule.objects.filter(
            rule_set_id__in={r.rule_set_id for r in rows}))
        for a in rows:
            step = names.get((a.rule_set_id, a.next_step), "")
            items.append(WorkItem(
                kind="recruitment", title=_("%(name)s: step %(n)s, %(step)s") % {
                    "name": a.name, "n": a.next_step, "step": step},
                url=f"/recruitment/{a.pk}/", due=a.next_due,
                state=_("overdue") if a.next_due < today else _("due soon"), organization=a.organization.name,
                overdue=a.next_due < today, uid=f"recruitment-{a.pk}-{a.next_step}@chuxin"))
    return items


def my_record(user) -> Applicant | None:
    if not user.is_authenticated:
        return None
    return Applicant.objects.filter(user=user).order_by("-applied_on").first()


def member_history(member, user) -> list:
    """How the member came to the Party through the pipeline on this platform: each step with its date. One
    query for the record (and one for its steps)."""
    from chuxin.core.access import can
    from chuxin.core.protocols import HistoryRow, HistorySection

    applicant = Applicant.objects.filter(member=member).select_related("rule_set").first()
    if applicant is None:
        return []
    url = f"/recruitment/{applicant.pk}/" if (can(user, member.organization, Need.READ)
                                               or applicant.user_id == getattr(user, "pk", None)) else ""
    names = {s.number: s.display_name for s in applicant.rule_set.steps.all()}
    rows = [HistoryRow(date=r.on, text=f"{r.number}. {names.get(r.number, '')}", url=url)
            for r in applicant.steps.order_by("-on", "-number")[:25]]
    return [HistorySection(title=_("Recruitment"), rows=rows, order=30, more_url=url)]
