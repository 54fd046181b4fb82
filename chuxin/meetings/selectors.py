"""Reads of organizational life, narrowed to what the user may see: meetings, attendance, compliance, the
workbench, the report facts and a member's history.

Compliance is computed in a constant number of queries whatever the number of organizations (see `compliance`):
the organizations and the meetings of the subtree are aggregated by path prefix, never read one organization at a
time.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chuxin.core import rules as core_rules
from chuxin.core.access import Need, can, fetch, scope_prefixes, scope_q, scope_ranges
from chuxin.core.db import Bound, PreparedExists
from chuxin.core.paths import STEP_LEN, ancestor_paths, ranges_q, subtree_q
from chuxin.core.protocols import Fact, HistoryRow, HistorySection, WorkItem
from chuxin.members.models import Member
from chuxin.orgs.models import Organization, Position
from chuxin.records.selectors import records_in

from . import rules
from .access import ATTENDEE, HOST, RECORDER
from .apps import FREQUENCY
from .models import Arrangement, Attendance, Kind, LeaveRequest, Meeting, MeetingAttachment, PeriodExemption

Status = Meeting.Status
TALK_KIND = "talk.held"  # written by the evaluation capability for each heart-to-heart talk


# ---------------------------------------------------------------------------------------------------------------
# Access and lists


def _base() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("organization", "host", "recorder", "lecturer")


def access_meeting(user, pk, *, need: Need) -> Meeting:
    """A meeting: the organization's standing (a member reads their own organizations' meetings), or as an
    expected attendee (a leader's second organization), the recorder or the host for their parts."""
    relations = [ATTENDEE] if need <= Need.PUBLIC else [RECORDER, HOST]
    return fetch(user, _base().select_related("organization__parent"), pk, need=need, relations=relations)


def access_attachment(user, pk, *, need: Need) -> MeetingAttachment:
    """A meeting's file: read by whoever reads the meeting (its organization's members, an expected attendee);
    changed with MANAGE on its organization or as the recorder. 404 out of scope, 403 too weak."""
    relations = [ATTENDEE.of("meeting")] if need <= Need.PUBLIC else [RECORDER.of("meeting")]
    return fetch(user, MeetingAttachment.objects.select_related("meeting__organization", "meeting__recorder"), pk,
                 need=need, organization="meeting.organization", relations=relations)


def meeting_attachments(meeting: Meeting) -> list[MeetingAttachment]:
    """The files kept with a meeting's record. One query."""
    return list(meeting.attachments.order_by("created_at", "id"))


def access_leave(user, pk, *, need: Need) -> LeaveRequest:
    request = fetch(user, LeaveRequest.objects.select_related("attendance__meeting__organization",
                                                              "attendance__meeting__host", "attendance__member"),
                    pk, need=need, organization="attendance.meeting.organization",
                    relations=[HOST.of("attendance.meeting")])
    return request


def access_exemption(user, pk, *, need: Need) -> PeriodExemption:
    return fetch(user, PeriodExemption.objects.select_related("organization"), pk, need=need)


def access_arrangement(user, pk, *, need: Need) -> Arrangement:
    return fetch(user, Arrangement.objects.select_related("organization", "member"), pk, need=need)


def exemption_list(organization: Organization, year: int) -> QuerySet[PeriodExemption]:
    return PeriodExemption.objects.filter(subtree_q(organization.path, "organization_path"),
                                          period__gte=str(year), period__lt=str(year + 1)).select_related("organization")


def breadcrumbs(user, organization: Organization) -> list[Organization]:
    """The organization's ancestors the user may read (one query), for the matrix's drill-up."""
    found = Organization.objects.filter(path__in=ancestor_paths(organization.path)[:-1]).order_by("path")
    return [org for org in found if can(user, org, Need.READ)]


def meeting_list(user, *, organization: Organization | None = None, kind: str = "", period: str = "",
                 year: int | None = None) -> QuerySet[Meeting]:
    """Meetings the user may see (their organizations' and those they attend), newest first."""
    mine = Q(attendances__member__user=user) if user.is_authenticated else Q(pk__in=[])
    qs = Meeting.objects.filter(scope_q(user, Need.PUBLIC, "organization_path"))
    if user.is_authenticated:
        qs = qs | Meeting.objects.filter(mine)
    qs = qs.distinct() if user.is_authenticated else qs
    if organization is not None:
        qs = qs.filter(subtree_q(organization.path, "organization_path"))
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if period:
        qs = qs.filter(period=period)
    if year:
        qs = qs.filter(period__gte=str(year), period__lt=str(year + 1))
    return qs.select_related("organization").order_by("-planned_at", "-id")


def manageable_organizations(user) -> QuerySet[Organization]:
    """Active organizations where the user may plan meetings (for the "plan a meeting" chooser)."""
    return Organization.objects.filter(scope_q(user, Need.MANAGE), status=Organization.Status.ACTIVE).exclude(
        kind=Organization.Kind.SUPERIOR_COMMITTEE).order_by("path")


def member_choices(organization: Organization) -> QuerySet[Member]:
    """Members who may host, record or lecture: the organization's (a group's branch's) active members."""
    where = organization.parent if organization.kind == Organization.Kind.PARTY_GROUP and organization.parent_id \
        else organization
    return Member.objects.filter(subtree_q(where.path, "organization__path"), status=Member.Status.ACTIVE) \
        .only("id", "name", "name_pinyin").order_by("name_pinyin", "id")


def observer_choices(organization: Organization, meeting: Meeting | None = None) -> QuerySet[Member]:
    """Who may attend without being expected (列席), or take part in a second organization's life: the members
    filed at the organizations above it (the committee's leaders) and in its own subtree. Bounded by the branch and
    its line of superiors, never the whole tree (a select of 100,000 names would take seconds to draw)."""
    above = ancestor_paths(organization.path)[:-1]
    found = Member.objects.filter(Q(organization__path__in=above) | subtree_q(organization.path, "organization__path"),
                                  status=Member.Status.ACTIVE)
    if meeting is not None:  # those already on the list are not offered again
        found = found.exclude(pk__in=meeting.attendances.values("member"))
    return found.only("id", "name", "name_pinyin").order_by("name_pinyin", "id")


arrangement_choices = observer_choices


def arrangement_list(organization: Organization) -> QuerySet:
    return Arrangement.objects.filter(Q(organization=organization) | Q(
        member__organization__path__startswith=organization.path)).select_related(
        "member", "organization").order_by("ended_on", "member__name_pinyin", "pk").distinct()


def attendance_rows(meeting: Meeting) -> list[Attendance]:
    """Every attendance row with its member and leave request: one query."""
    return list(meeting.attendances.select_related("member", "leave_request").order_by(
        "-expected", "-on_committee", "member__name_pinyin", "pk"))


@dataclass
class Tally:
    expected: int = 0  # expected, lawful exceptions left out
    present: int = 0
    late: int = 0
    leave: int = 0
    absent: int = 0
    unmarked: int = 0
    excused: int = 0
    observers: int = 0

    @property
    def attended(self) -> int:
        return self.present + self.late

    @property
    def rate(self) -> int | None:
        return round(100 * self.attended / self.expected) if self.expected else None


def tally(rows: list[Attendance]) -> Tally:
    t = Tally()
    S = Attendance.State
    for row in rows:
        if not row.expected:
            t.observers += 1
            continue
        if row.state in Attendance.EXCUSED:
            t.excused += 1
            continue
        t.expected += 1
        if row.state == S.PRESENT:
            t.present += 1
        elif row.state == S.LATE:
            t.late += 1
        elif row.state == S.LEAVE:
            t.leave += 1
        elif row.state == S.ABSENT:
            t.absent += 1
        else:
            t.unmarked += 1
    return t


def quorum_of(meeting: Meeting, rows: list[Attendance]) -> rules.Quorum:
    heads = [rules.Head(attended=r.state in Attendance.ATTENDED, voting=r.voting, on_committee=r.on_committee,
                        excused=r.state in Attendance.EXCUSED) for r in rows if r.expected]
    return rules.quorum(meeting.kind, heads, election=meeting.is_election)


def talks_held(organization: Organization, year: int) -> int:
    """Heart-to-heart talks recorded this year in the organization (work records of kind "talk.held", written
    by the evaluation capability): the life meeting's checklist counts them, nobody types the number."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return records_in(organization, kinds=[TALK_KIND], start=start, end=end).count()


# ---------------------------------------------------------------------------------------------------------------
# Compliance


@dataclass
class Cell:
    period: str
    state: str  # rules.Compliance
    required: int = 0  # organizations that must hold it
    held: int = 0  # ... that held it (in the period, or made up)
    made_up: int = 0
    exempt: int = 0
    span: int = 1  # months the period covers, for the year grid

    @property
    def missing(self) -> int:
        return max(self.required - self.held - self.exempt, 0)

    @property
    def label(self) -> str:
        return rules.period_label(self.period)


@dataclass
class Row:
    organization: Organization
    exact: bool  # the organization alone, not its subtree (a committee's own meetings)
    cells: dict[str, list[Cell]] = field(default_factory=dict)  # kind -> cells by period
    missing: int = 0  # required meetings missing in closed periods, all kinds
    missing_by_kind: dict[str, int] = field(default_factory=dict)


def _committee_exists(today: datetime.date) -> Exists:
    seats = Position.objects.filter(organization=OuterRef("pk"), started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)).exclude(kind__in=Position.LEADER_KINDS)
    return Exists(seats)


def is_single_row(root: Organization) -> bool:
    """A branch or a Party group is one row (its year at a glance); anything above, a matrix of its children."""
    return root.kind in rules.BRANCH_KINDS or root.kind == Organization.Kind.PARTY_GROUP


def kinds_in(root: Organization) -> list[str]:
    """The kinds of meeting some organization of the subtree must hold (one query, for the matrix's tabs)."""
    present = set(Organization.objects.filter(subtree_q(root.path), status=Organization.Status.ACTIVE)
                  .order_by().values_list("kind", flat=True).distinct())
    return [k for k in rules.REQUIRED_KINDS if present & set(rules.APPLIES_TO[k])]


def compliance(root: Organization, year: int, *, today: datetime.date | None = None,
               kinds: tuple[str, ...] = rules.REQUIRED_KINDS) -> list[Row]:
    """The compliance of `root`'s subtree for `year`: one row per child organization (its subtree aggregated),
    plus `root` itself where meetings apply to it; a branch is one row. Each row has, per kind, a Cell per period
    of the row's frequency for that kind: how many organizations must hold it, held it (or made it up), are
    exempt, and its state.

    Five queries whatever the number of organizations (six for a branch's year): the rows (none for a branch),
    the organizations by row and kind (with whether a committee exists), the finalized meetings by row, kind and
    period (for a branch, after its few organizations' ids), the exempt periods likewise, the frequency overrides;
    nothing per organization.
    """
    today = today or timezone.localdate()
    if is_single_row(root):
        rows = [Row(root, exact=False)]
    else:
        children = list(Organization.objects.filter(parent=root, status=Organization.Status.ACTIVE)
                        .order_by("path"))
        rows = [Row(root, exact=True), *(Row(child, exact=False) for child in children)]
    depth_len = len(root.path) + STEP_LEN
    by_key: dict[str, Row] = {}
    for row in rows:
        by_key[row.organization.path if not row.exact else f"={row.organization.path}"] = row

    def key_of(prefix: str) -> str | None:
        if len(prefix) < depth_len or len(rows) == 1:  # the root itself (or a one-row grid: everything)
            return f"={root.path}" if f"={root.path}" in by_key else (root.path if root.path in by_key else None)
        return prefix if prefix in by_key else None

    length = depth_len if len(rows) > 1 else len(root.path)
    in_tree = subtree_q(root.path)
    # 1. Organizations by row and kind, and those with a committee.
    orgs = (Organization.objects.filter(in_tree, status=Organization.Status.ACTIVE).order_by()
            .annotate(prefix=Substr("path", 1, length)).values("prefix", "kind")
            .annotate(n=Count("id"), committees=Count("id", filter=Q(_committee_exists(today)))))
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    for entry in orgs:
        k = key_of(entry["prefix"])
        if k is None:
            continue
        n, c = counts.get((k, entry["kind"]), (0, 0))
        counts[(k, entry["kind"])] = (n + entry["n"], c + entry["committees"])
    # 2. Finalized meetings: organizations that held each kind in each period (made up counted apart).
    held: dict[tuple[str, str, str], list[int]] = {}
    if len(rows) == 1:
        # A branch's year: its own few organizations (the branch and its groups) lead, through the index on the
        # organization; the wide matrices go through meeting_compliance (kind and period first).
        where = Q(organization__in=list(Organization.objects.filter(in_tree).values_list("pk", flat=True)))
    else:
        where = subtree_q(root.path, "organization_path")
    meetings = (Meeting.objects.filter(where, status=Status.FINALIZED,
                                       period__gte=str(year), period__lt=str(year + 1), kind__in=kinds).order_by()
                .annotate(prefix=Substr("organization_path", 1, length)).values("prefix", "kind", "period")
                .annotate(n=Count("organization", distinct=True),
                          made_up=Count("organization", distinct=True, filter=Q(is_makeup=True))))
    for entry in meetings:
        k = key_of(entry["prefix"])
        if k is not None:
            slot = held.setdefault((k, entry["kind"], entry["period"]), [0, 0])
            slot[0] += entry["n"]
            slot[1] += entry["made_up"]
    # 3. Exempt periods.
    exempt: dict[tuple[str, str, str], int] = {}
    for entry in (PeriodExemption.objects.filter(subtree_q(root.path, "organization_path"),
                                                 period__gte=str(year), period__lt=str(year + 1), kind__in=kinds).order_by()
                  .annotate(prefix=Substr("organization_path", 1, length)).values("prefix", "kind", "period")
                  .annotate(n=Count("organization", distinct=True))):
        k = key_of(entry["prefix"])
        if k is not None:
            exempt[(k, entry["kind"], entry["period"])] = exempt.get((k, entry["kind"], entry["period"]), 0) + entry["n"]
    # 4. Frequencies: the row organization's (overrides of the whole subtree loaded once). A deeper organization's
    # finer period (a monthly override under a quarterly row) counts inside the row's coarser one.
    finer: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for (k, kind, period), (n, _m) in held.items():
        finer.setdefault((k, kind), []).append((period, n))
    resolver = core_rules.Resolver([root.path])
    for key, row in by_key.items():
        for kind in kinds:
            freq = resolver.value(FREQUENCY[kind], row.organization)
            required_orgs = 0
            for org_kind in rules.APPLIES_TO[kind]:
                n, with_committee = counts.get((key, org_kind), (0, 0))
                if row.exact and org_kind != row.organization.kind:
                    continue
                required_orgs += with_committee if kind == Kind.COMMITTEE else n
            if freq == "none" or not required_orgs:
                continue
            cells = []
            for period in rules.periods_of_year(year, freq):
                start, end = rules.period_bounds(period)
                h, m = held.get((key, kind, period), [0, 0])
                h += sum(n for p, n in finer.get((key, kind), ()) if p != period and _inside(p, start, end))
                e = exempt.get((key, kind, period), 0)
                h = min(h, required_orgs)
                e = min(e, required_orgs - h)
                if h >= required_orgs:
                    state = rules.Compliance.MADE_UP if m and m >= h else rules.Compliance.HELD
                elif h + e >= required_orgs:
                    state = rules.Compliance.EXEMPT
                else:
                    state = rules.Compliance.MISSING if end < today else rules.Compliance.REQUIRED_NOT_DUE
                cell = Cell(period, state, required_orgs, h, m, e, span=end.month - start.month + 1)
                cells.append(cell)
                if state == rules.Compliance.MISSING:
                    row.missing += cell.missing
                    row.missing_by_kind[kind] = row.missing_by_kind.get(kind, 0) + cell.missing
            row.cells[kind] = cells
    return [row for row in rows if row.cells or not row.exact]


def _inside(period: str, start: datetime.date, end: datetime.date) -> bool:
    """A finer period of a deeper organization's own frequency that lies within a coarser one of the row's."""
    bounds = _bounds(period)
    return bounds is not None and bounds != (start, end) and start <= bounds[0] and bounds[1] <= end


@functools.lru_cache(maxsize=512)
def _bounds(period: str) -> tuple[datetime.date, datetime.date] | None:
    try:
        return rules.period_bounds(period)
    except ValueError:
        return None


def secretary_lectures(organization: Organization, year: int) -> tuple[int, int]:
    """(Party lectures the organization's secretary gave in `year`, the least the rule asks): the secretary
    lectures at least once a year. The secretaries are those seated during the year. Two queries."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    seated = Position.objects.filter(organization=organization, kind=Position.Kind.SECRETARY, member__isnull=False,
                                     started_on__lte=end).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    given = Meeting.objects.filter(organization=organization, kind=Kind.LECTURE, status=Status.FINALIZED,
                                   held_on__gte=start, held_on__lte=end,
                                   lecturer__in=seated.values("member")).count()
    return given, core_rules.get("meeting_secretary_lectures").default


def compliance_scope(user) -> QuerySet[Organization]:
    """The organizations whose compliance the user may read (the tops of their scope)."""
    prefixes = scope_prefixes(user, Need.READ)
    if prefixes == [""]:
        return Organization.objects.filter(parent__isnull=True).order_by("path")
    return Organization.objects.filter(path__in=prefixes).order_by("path")


# ---------------------------------------------------------------------------------------------------------------
# Six months without organizational life


@dataclass(frozen=True)
class Flag:
    member: Member
    last_attended: datetime.date | None


def without_life(organization: Organization, today: datetime.date | None = None) -> list[Flag]:
    """Members of the organization's subtree with no organizational life for six consecutive months and no
    reason recorded (leave, exemption, attending elsewhere): flagged for the secretary, never acted on.

    Two queries: the members, and each one's last attended and last excused meeting."""
    today = today or timezone.localdate()
    months = core_rules.get("meeting_without_life_months").default
    # By the organizations' ids (a subquery): the member index starts with the organization.
    in_tree = Organization.objects.filter(subtree_q(organization.path)).values("pk")
    members = list(Member.objects.filter(organization__in=in_tree, status=Member.Status.ACTIVE).only("id", "name", "joined_on",
                                                                           "organization_id"))
    if not members:
        return []
    S = Attendance.State
    last = {
        # Finalized meetings are those with a held date (set only by meeting_finalize): filtering on it, not on the
        # status, keeps the database starting from the members' attendance (its index), not from every meeting.
        row["member_id"]: row for row in Attendance.objects.filter(
            member__in=[m.pk for m in members], meeting__held_on__isnull=False).order_by()
        .values("member_id")
        .annotate(attended=Max("meeting__held_on", filter=Q(state__in=[S.PRESENT, S.LATE])),
                  excused=Max("meeting__held_on", filter=Q(state__in=[S.LEAVE, S.EXEMPT, S.ELSEWHERE])),
                  first=Min("meeting__held_on"))
    }
    flags = []
    for member in members:
        row = last.get(member.pk)
        if row is None:
            continue  # never expected at a finalized meeting on the platform: nothing to go on
        if rules.without_life(last_attended=row["attended"], excused_since=row["excused"],
                              expected_since=row["first"], today=today,
                              months=months):
            flags.append(Flag(member, row["attended"]))
    return flags


# ---------------------------------------------------------------------------------------------------------------
# What other apps read: the workbench, the report facts, a member's history


def _leave_to_decide(user) -> QuerySet[LeaveRequest]:
    return _pending_leave().filter(scope_q(user, Need.MANAGE, "attendance__meeting__organization_path")
                                   | Q(attendance__meeting__host__user=user))


def _pending_leave() -> QuerySet[LeaveRequest]:
    return LeaveRequest.objects.filter(state=LeaveRequest.State.PENDING, attendance__meeting__status=Status.CONVENED)


def _to_attend(user, now: datetime.datetime) -> QuerySet[Attendance]:
    return _attending_since(user, now - ATTEND_HOURS)


def _attending_since(user, since: datetime.datetime) -> QuerySet[Attendance]:
    """The user's (an account or its id) places in meetings convened for `since` or later, not excused."""
    return Attendance.objects.filter(member__user=user, meeting__status=Status.CONVENED,
                                     meeting__planned_at__gte=since).exclude(
        state__in=[*Attendance.EXCUSED, Attendance.State.LEAVE])


# A meeting stays on its attendees' workbench this long after its planned start.
ATTEND_HOURS = datetime.timedelta(hours=12)


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`): leave to decide as a meeting's host, meetings
    to attend, and where the user manages, the meetings to convene or to file and the leave to decide there."""
    if not user.is_authenticated:
        return []
    probe = [_PROBE.bind(user.pk, timezone.now() - ATTEND_HOURS)]
    bounds = scope_ranges(user, Need.MANAGE)
    return [*probe, _MANAGED_PROBE.bind(bounds)] if bounds else probe


# Where the user manages: the meetings to convene or to file, the leave to decide (workbench_items' scope parts).
_MANAGED_PROBE = PreparedExists(lambda bounds: (
    Meeting.objects.filter(ranges_q(bounds, "organization_path"), status__in=[Status.PLANNED, Status.CONVENED]),
    _pending_leave().filter(ranges_q(bounds, "attendance__meeting__organization_path"))))


_PROBE = PreparedExists(lambda user_id, since: (_pending_leave().filter(attendance__meeting__host__user=user_id),
                                                _attending_since(user_id, since)))


def workbench_items(user) -> list[WorkItem]:
    """Meetings to convene and minutes to file where the user manages, leave requests to decide, and the
    user's own upcoming meetings. Four queries whatever their number."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    now = timezone.now()
    items: list[WorkItem] = []
    managed = Meeting.objects.filter(scope_q(user, Need.MANAGE, "organization_path")).select_related(
        "organization").only("id", "title", "kind", "status", "planned_at", "organization__name")
    if scope_prefixes(user, Need.MANAGE):
        for m in managed.filter(status=Status.PLANNED).order_by("planned_at")[:50]:
            day = timezone.localtime(m.planned_at).date()
            items.append(WorkItem(kind="meeting", title=m.title, url=m.get_absolute_url(), due=day,
                                  state=_("to convene"), organization=m.organization.name, overdue=day < today,
                                  uid=f"meeting-convene-{m.pk}@chuxin"))
        for m in managed.filter(status=Status.CONVENED, planned_at__lte=now).order_by("planned_at")[:50]:
            day = timezone.localtime(m.planned_at).date()
            items.append(WorkItem(kind="meeting", title=m.title, url=m.get_absolute_url(), due=day,
                                  state=_("minutes to file"), organization=m.organization.name,
                                  overdue=(today - day).days > 7, uid=f"meeting-minutes-{m.pk}@chuxin"))
    pending, mine = _leave_to_decide(user), _to_attend(user, now)
    pending = pending.select_related("attendance__member", "attendance__meeting__organization")[:50]
    for r in pending:
        m = r.attendance.meeting
        items.append(WorkItem(kind="meeting", title=_("Leave: %(name)s, %(title)s") % {
            "name": r.attendance.member.name, "title": m.title}, url=reverse("meetings:leave", args=[m.pk]),
            due=timezone.localtime(m.planned_at).date(), state=_("leave to approve"),
            organization=m.organization.name, uid=f"meeting-leave-{r.pk}@chuxin"))
    for row in mine.select_related("meeting__organization")[:50]:
        m = row.meeting
        local = timezone.localtime(m.planned_at)
        items.append(WorkItem(kind="meeting", title=f"{m.title} {local:%H:%M}", url=m.get_absolute_url(),
                              due=local.date(), state=_("to attend"), organization=m.organization.name,
                              uid=f"meeting-{m.pk}@chuxin"))
    return items


def period_facts(organization: Organization, start: datetime.date, end: datetime.date) -> list[Fact]:
    """For a periodic report's pre-fill: the meetings held are work records (counted by the reports app); here
    what is a state: the attendance rate of the period's finalized meetings, their topics, and the required
    meetings missing in periods that closed within the report's period. A constant number of queries."""
    finalized = Meeting.objects.filter(subtree_q(organization.path, "organization_path"), status=Status.FINALIZED,
                                       held_on__gte=start, held_on__lte=end)
    counts = Attendance.objects.filter(meeting__in=finalized.values("pk"), expected=True).exclude(
        state__in=Attendance.EXCUSED).aggregate(expected=Count("id"), attended=Count(
            "id", filter=Q(state__in=Attendance.ATTENDED)))
    facts = []
    if counts["expected"]:
        rate = round(100 * counts["attended"] / counts["expected"])
        facts.append(Fact(code="attendance_rate", label=gettext_noop("Attendance rate at meetings (%)"), count=rate,
                          sentence=_("attendance at meetings was %(n)s%%") % {"n": rate}, titles_in_sentence=False))
    topics = []
    for title, lines in finalized.order_by("held_on", "pk").values_list("title", "topics")[:20]:
        topics.extend([line.strip() for line in lines.splitlines() if line.strip()] or [title])
    if topics:
        facts.append(Fact(code="meeting_topics", label=gettext_noop("Topics discussed"), count=len(topics),
                          items=topics[:10]))
    missing = 0
    missing_names: list[str] = []
    for year in range(start.year, end.year + 1):
        for row in compliance(organization, year, today=end + datetime.timedelta(days=1)):
            for kind, cells in row.cells.items():
                for cell in cells:
                    s, e = rules.period_bounds(cell.period)
                    if start <= e <= end and cell.state == rules.Compliance.MISSING:
                        missing += cell.missing
                        if len(missing_names) < 10:
                            missing_names.append(f"{Kind(kind).label} {cell.label}")
    facts.append(Fact(code="meetings_missing", label=gettext_noop("Required meetings missing"), count=missing,
                      items=missing_names, sentence=_("%(n)s required meetings missing") % {"n": missing}))
    return facts


def member_history(member: Member, user) -> list[HistorySection]:
    """The member's organizational life on their file: the finalized meetings they were expected at, with how
    they attended, newest first (the last 20; the meetings list has the rest). Links where the reader may open
    the meeting. Two queries."""
    rows = list(Attendance.objects.filter(member=member, meeting__status=Status.FINALIZED)
                .select_related("meeting__organization").order_by("-meeting__held_on", "-pk")[:20])
    if not rows:
        return []
    history = []
    for row in rows:
        m = row.meeting
        link = m.get_absolute_url() if (can(user, m.organization, Need.PUBLIC)
                                        or member.user_id == getattr(user, "pk", None)) else ""
        history.append(HistoryRow(date=m.held_on, text=f"{m.get_kind_display()}：{m.title}", url=link,
                                  note=row.get_state_display()))
    return [HistorySection(title=_("Organizational life"), rows=history, order=20)]
