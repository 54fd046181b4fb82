"""Reads of report requirements, periods and reports, narrowed to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.access import Need, can, fetch, has_any, scope_q, scope_ranges
from chuxin.core.db import Bound, PreparedExists, PreparedRows, loaded
from chuxin.core.links import id_url, ids_url
from chuxin.core.paths import ancestor_paths, ranges_q, subtree_q
from chuxin.core.protocols import WorkItem
from chuxin.core.registry import probe_found
from chuxin.orgs.models import Organization, Position

from .access import WRITER
from .models import Report, ReportPeriod, ReportRequirement

REMIND_DAYS = 3  # "due soon" starts this many days before the due day
LOOKBACK_DAYS = 366  # missing reports older than this stop appearing on the workbench


def requirement_list(user, *, need: Need = Need.READ) -> QuerySet[ReportRequirement]:
    """Requirements set by organizations where the user has `need`: READ follows the reports of a subtree (a
    superior viewer), MANAGE sets and reviews them."""
    return (
        ReportRequirement.objects.filter(scope_q(user, need, "organization__path"))
        .select_related("organization")
        .order_by("organization__path", "title")
    )


def access_requirement(user, pk, *, need: Need) -> ReportRequirement:
    return fetch(user, ReportRequirement.objects.select_related("organization"), pk, need=need)


def access_period(user, pk, *, need: Need) -> ReportPeriod:
    return fetch(user, ReportPeriod.objects.select_related("requirement__organization"), pk, need=need, organization="requirement.organization")


def _reports() -> QuerySet[Report]:
    return Report.objects.select_related("period__requirement__organization", "organization", "holder", "author",
                                         "reviewer")


def access_report(user, pk, *, need: Need = Need.MANAGE) -> Report:
    """The author's side: the post holder themself, or `need` on the reporting organization: MANAGE writes (its
    secretary, or anyone managing above it, which includes the reviewers), READ reads (a committee member, a
    superior viewer). A reader who may not write sees a report once it has been handed in: a draft is its
    writers' alone until then (403)."""
    report = fetch(user, _reports(), pk, need=need, relations=[WRITER])
    writer = report.holder_id is not None and report.holder_id == user.pk
    if report.first_submitted_at is None and not writer and not can(user, report.organization, Need.MANAGE):
        raise PermissionDenied
    return report


def access_report_for_review(user, pk) -> Report:
    """The reviewer's side: MANAGE on the organization that set the requirement."""
    return fetch(user, _reports(), pk, need=Need.MANAGE, organization="period.requirement.organization")


def is_reviewer(user, report: Report) -> bool:
    return can(user, report.period.requirement.organization, Need.MANAGE)


# ---------------------------------------------------------------------------------------------------------------
# Who must report


@dataclass(frozen=True)
class Reporter:
    organization: Organization
    holder_id: int | None = None
    holder_name: str = ""

    @property
    def key(self) -> tuple[int, int | None]:
        return (self.organization.pk, self.holder_id)

    @property
    def name(self) -> str:
        return f"{self.organization.name} · {self.holder_name}" if self.holder_name else self.organization.name


def _on_day(period: ReportPeriod, today: datetime.date) -> datetime.date:
    return min(period.end, today)


def expected_reporters(period: ReportPeriod, today: datetime.date | None = None) -> list[Reporter]:
    """Everyone who owes a report for the period, in tree order. One query.

    Organizations: the active organizations of the chosen kinds in the reviewer's subtree (itself included).
    Posts: whoever holds one of the chosen posts in the subtree on the period's last day (or today, while the
    period runs) and has a login account: without one they cannot write.
    """
    requirement = period.requirement
    where = subtree_q(requirement.organization.path, "path")
    if requirement.audience == ReportRequirement.Audience.ORGANIZATIONS:
        orgs = Organization.objects.filter(
            where, kind__in=requirement.org_kinds or [], status=Organization.Status.ACTIVE
        ).only("id", "name", "path", "kind").order_by("path")
        return [Reporter(org) for org in orgs]
    day = _on_day(period, today or timezone.localdate())
    positions = (
        Position.objects.filter(
            subtree_q(requirement.organization.path, "organization__path"),
            kind__in=requirement.position_kinds or [], started_on__lte=day, member__user__isnull=False,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .select_related("organization", "member")
        .only("id", "kind", "organization__id", "organization__name", "organization__path", "organization__kind",
              "member__id", "member__name", "member__user_id")
        .in_office_order("organization__path")
    )
    seen: set[tuple[int, int]] = set()
    result = []
    for position in positions:
        key = (position.organization_id, position.member.user_id)
        if key in seen:
            continue  # one person holding two chosen seats in one organization writes one report
        seen.add(key)
        result.append(Reporter(position.organization, position.member.user_id, position.member.name))
    return result


@dataclass
class Row:
    reporter: Reporter
    report: Report | None
    state: str  # draft / submitted / returned / accepted / missing / not_due
    late: bool


def period_table(period: ReportPeriod, today: datetime.date | None = None) -> list[Row]:
    """Every expected reporter with their report and state. Two queries: the reporters, the reports."""
    today = today or timezone.localdate()
    reporters = expected_reporters(period, today)
    reports = {
        (r.organization_id, r.holder_id): r
        for r in period.reports.select_related("author").only(
            "id", "organization_id", "holder_id", "status", "submitted_at", "first_submitted_at", "author__id",
            "author__username", "author__display_name", "author__first_name", "author__last_name", "period_id",
        )
    }
    rows = []
    for reporter in reporters:
        report = reports.get(reporter.key)
        if report is not None:
            report.period = period  # is_late reads the due day without another query
        if report is not None and report.status != Report.Status.DRAFT:
            state = report.status
        elif period.is_past_due(today):
            state = "missing"
        else:
            state = "draft" if report is not None else "not_started"
        rows.append(Row(reporter, report, state, bool(report and report.is_late)))
    return rows


# ---------------------------------------------------------------------------------------------------------------
# What a person must write


@dataclass
class Duty:
    """One report a user owes: for an organization they are secretary of, or for a post they hold."""

    period: ReportPeriod
    organization: Organization
    holder_id: int | None
    report: Report | None

    @property
    def status(self) -> str:
        return self.report.status if self.report else "not_started"


def _seats(user, today: datetime.date) -> QuerySet[Position]:
    return Position.objects.filter(member__user=user, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today))


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`): the seats the user holds, and where they
    manage, their secretary grants (whose organizations' duties `my_duties` reads) and the reports to review."""
    if not user.is_authenticated:
        return []
    probe = [_PROBE.bind(user.pk, timezone.localdate())]
    bounds = scope_ranges(user, Need.MANAGE)
    return [*probe, _SECRETARY_PROBE.bind(user.pk), _REVIEW_PROBE.bind(bounds)] if bounds else probe


def _secretary_grants(user_id: int) -> QuerySet:
    from chuxin.accounts.models import Role, RoleGrant

    return RoleGrant.objects.filter(user=user_id, role=Role.SECRETARY)


_SECRETARY_PROBE = PreparedExists(_secretary_grants)
# On its own: workbench_items skips the reports to review when it found none (registry.probe_found).
_REVIEW_PROBE = PreparedExists(lambda bounds: _to_review(ranges_q(bounds, "period__requirement__organization__path")))


_PROBE = PreparedExists(lambda user_id, today: _seats(user_id, today))


# What a duty shows of an organization and decides by (its name and link; its path, kind and status): the rest of
# the row is not read.
_ORG_COLUMNS = ("id", "name", "path", "kind", "status")


def _organization(row: dict) -> Organization:
    return loaded(Organization, {name: row[f"organization__{name}"] for name in _ORG_COLUMNS})


# my_duties' queries, compiled once (chuxin.core.db.PreparedRows): a secretary's workbench asks them at each
# gathering, and building and compiling them cost more than running them.
_ORG_VALUES = tuple(f"organization__{name}" for name in _ORG_COLUMNS)
_SEATS = PreparedRows(lambda user_id, today: _seats(user_id, today).values("id", "kind", *_ORG_VALUES))
_GRANTED = PreparedRows(lambda user_id: _secretary_grants(user_id).values(*_ORG_VALUES))
_PERIOD_FIELDS = ("id", "requirement_id", "start", "end", "due_on")
_REQUIREMENT_FIELDS = ("id", "title", "frequency", "audience", "org_kinds", "position_kinds", "organization_id")
_PERIODS = PreparedRows(lambda paths, today, since: ReportPeriod.objects.filter(
    requirement__is_active=True, requirement__organization__path__in=paths, start__lte=today, due_on__gte=since,
).order_by("due_on", "requirement_id").values(
    *_PERIOD_FIELDS, *(f"requirement__{name}" for name in _REQUIREMENT_FIELDS[1:]),
    "requirement__organization__path"))
_REPORTS = PreparedRows(lambda period_ids, user_id: Report.objects.filter(period__in=period_ids).filter(
    Q(holder__isnull=True) | Q(holder=user_id)).only("id", "period_id", "organization_id", "holder_id", "status",
                                                      "version").order_by())


def _periods(paths: list[str], today: datetime.date) -> list[ReportPeriod]:
    """The periods of the active requirements set at `paths` that have begun and are due at most LOOKBACK_DAYS
    ago, soonest due first, each with its requirement and the requirement's organization (id and path). The
    periods of one requirement share one requirement object (a secretary's ~60 periods come from a handful)."""
    periods = []
    requirements: dict[int, ReportRequirement] = {}
    for row in _PERIODS.dicts(paths, today, today - datetime.timedelta(days=LOOKBACK_DAYS)):
        requirement = requirements.get(row["requirement_id"])
        if requirement is None:
            requirement = requirements[row["requirement_id"]] = loaded(ReportRequirement, {
                "id": row["requirement_id"], **{name: row[f"requirement__{name}"] for name in _REQUIREMENT_FIELDS[1:]}})
            requirement.organization = loaded(Organization, {"id": row["requirement__organization_id"],
                                                             "path": row["requirement__organization__path"]})
        period = loaded(ReportPeriod, {name: row[name] for name in _PERIOD_FIELDS})
        period.requirement = requirement
        periods.append(period)
    return periods


def _my_seats(user, today: datetime.date) -> tuple[list[Organization], list[Position]]:
    """Organizations the user writes for as their secretary (a secretary grant or a secretary seat), and the
    seats they hold. Two queries, each reading the organization's columns `_ORG_COLUMNS` only."""
    positions = []
    for row in _SEATS.dicts(user.pk, today):
        position = loaded(Position, {"id": row["id"], "kind": row["kind"], "organization_id": row["organization__id"]})
        position.organization = _organization(row)
        positions.append(position)
    # A secretary grant gives MANAGE: without that standing anywhere, no query (a plain member); nor when the
    # workbench's probe just found no grant.
    orgs = {
        row["organization__id"]: _organization(row) for row in _GRANTED.dicts(user.pk)
    } if has_any(user, Need.MANAGE) and probe_found(user, _SECRETARY_PROBE) is not False else {}
    for position in positions:
        if position.kind == Position.Kind.SECRETARY:
            orgs.setdefault(position.organization.pk, position.organization)
    return list(orgs.values()), positions


def my_duties(user, today: datetime.date | None = None, *, open_only: bool = True) -> list[Duty]:
    """Reports the user must write: periods whose end is near or past, not yet submitted (or returned).

    Constant queries: seats (2), the periods with their requirements (1), reports (1).
    """
    today = today or timezone.localdate()
    if not user.is_authenticated:
        return []
    orgs, positions = _my_seats(user, today)
    if not orgs and not positions:
        return []
    paths = {p for org in orgs for p in ancestor_paths(org.path)}
    paths |= {p for pos in positions for p in ancestor_paths(pos.organization.path)}
    # The periods of the active requirements set above the user's organizations, with what a duty shows and
    # decides by of each requirement: one query (the requirements were a query of their own, read whole).
    periods = _periods(sorted(paths), today)
    wanted: list[tuple[ReportPeriod, Organization, int | None]] = []
    for period in periods:
        requirement = period.requirement
        if requirement.audience == ReportRequirement.Audience.ORGANIZATIONS:
            for org in orgs:
                if org.path.startswith(requirement.organization.path) and org.kind in requirement.org_kinds \
                        and org.status == Organization.Status.ACTIVE:
                    wanted.append((period, org, None))
        else:
            done: set[int] = set()
            for pos in positions:
                if pos.organization.path.startswith(requirement.organization.path) \
                        and pos.kind in requirement.position_kinds and pos.organization_id not in done:
                    done.add(pos.organization_id)
                    wanted.append((period, pos.organization, user.pk))
    if not wanted:
        return []
    reports = {
        (r.period_id, r.organization_id, r.holder_id): r
        for r in _REPORTS.objects(sorted({p.pk for p, _o, _h in wanted}), user.pk)
    }
    duties = []
    for period, org, holder_id in wanted:
        report = reports.get((period.pk, org.pk, holder_id))
        if open_only:
            if report is not None and report.status in (Report.Status.SUBMITTED, Report.Status.ACCEPTED):
                continue
            returned = report is not None and report.status == Report.Status.RETURNED
            if not returned and today < period.end - datetime.timedelta(days=7):
                continue  # the period has barely begun: nothing to write yet
        duties.append(Duty(period, org, holder_id, report))
    return duties


def _to_review(where: Q) -> QuerySet[Report]:
    """Reports submitted to `where` (a scope's filter on the path of the organization that asked for them)."""
    return Report.objects.filter(where, status=Report.Status.SUBMITTED)


def reports_to_review(user) -> QuerySet[Report]:
    return (
        _to_review(scope_q(user, Need.MANAGE, "period__requirement__organization__path"))
        .select_related("period__requirement", "organization", "author", "holder")
        .order_by("period__due_on", "submitted_at")
    )


def workbench_items(user) -> list[WorkItem]:
    """Reports the user must write (due soon, overdue or returned) and reports waiting for their review.

    Every report waiting for review is listed (one query however many): the navigation count is the number of
    items, so a cap would understate it."""
    today = timezone.localdate()
    items = []
    duties = my_duties(user, today)
    # Each URL reversed once and each period named once, not per row (core.links): a secretary may have dozens.
    report_url, write_url = id_url("reports:report"), ids_url("reports:write", "period", "org")
    returned, overdue_label, to_write = _("returned"), _("overdue"), _("to write")
    titles: dict[int, str] = {}
    for duty in duties:
        period = duty.period
        overdue = today > period.due_on
        state = returned if duty.status == Report.Status.RETURNED else overdue_label if overdue else to_write
        if period.pk not in titles:
            titles[period.pk] = f"{period.requirement.title} {period.label}"
        url = report_url(duty.report.pk) if duty.report is not None else write_url(period.pk, duty.organization.pk)
        items.append(WorkItem(
            kind="report", title=titles[period.pk], url=url, due=period.due_on, state=state,
            organization=duty.organization.name, overdue=overdue,
            uid=f"report-{period.pk}-{duty.organization.pk}-{duty.holder_id or 0}@chuxin",
        ))
    if probe_found(user, _REVIEW_PROBE) is False:  # the workbench's probe just found none to review
        return items
    review_url, to_review = id_url("reports:review"), _("to review")
    for report in reports_to_review(user):
        items.append(WorkItem(
            kind="report", title=f"{report.period.requirement.title} {report.period.label} · {report.organization.name}",
            url=review_url(report.pk), due=None, state=to_review,
            organization=report.organization.name, uid=f"report-review-{report.pk}@chuxin",
        ))
    return items
