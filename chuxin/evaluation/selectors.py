"""Reads for the member evaluation and the talks, narrowed to what the asking user may see."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.accounts.models import Role
from chuxin.core import rules
from chuxin.core.access import ITSELF, Need, can, fetch, has_any, scope_q, scope_ranges
from chuxin.core.db import Bound, PreparedExists
from chuxin.core.paths import ranges_q, subtree_q
from chuxin.core.protocols import HistoryRow, HistorySection, WorkItem
from chuxin.members.models import Member
from chuxin.orgs.models import Organization, Position

from .access import ORG_SEAT, holds_seat
from .apps import EXCELLENT_SHARE

__all__ = ["holds_seat"]  # the talks page asks it too
from .models import Ballot, Evaluation, Grade, Participant, Talk, VoterRecord

S = Evaluation.Stage
# From October (the fourth quarter, when the organizational life meeting is usually held) the secretary's
# workbench shows the committee members' talks still to hold this year.
TALKS_DUE_FROM_MONTH = 10
# The tally is shown once at least this many have voted: with one or two voters, their counts would be their
# ballots, and the voter records say who they are.
MIN_VOTERS_FOR_TALLY = 3


# ---------------------------------------------------------------------------------------------------------------
# Single objects


def access_evaluation(user, pk, *, need: Need, relations=()) -> Evaluation:
    return fetch(user, Evaluation.objects.select_related("organization"), pk, need=need, relations=relations)


def access_talk_organization(user, pk, *, need: Need, seat: bool = False) -> Organization:
    """The organization whose talks are asked for; `seat` lets a committee member in besides (they record their
    own talks)."""
    return fetch(user, Organization.objects.all(), pk, need=need, organization=ITSELF,
                 relations=[ORG_SEAT] if seat else [])


# ---------------------------------------------------------------------------------------------------------------
# Lists


def evaluation_list(user) -> QuerySet[Evaluation]:
    """The evaluations of organizations the user reads (2 queries with the count: the rows, their organizations
    joined)."""
    return Evaluation.objects.filter(scope_q(user, Need.READ, "organization__path")).select_related("organization")


def my_participations(user) -> QuerySet[Participant]:
    """The user's own parts in evaluations, newest first, with whether they have voted."""
    if not user.is_authenticated:
        return Participant.objects.none()
    return (
        Participant.objects.filter(member__user=user)
        .select_related("evaluation__organization")
        .annotate(voted=Exists(VoterRecord.objects.filter(voter=OuterRef("pk"))))
        .order_by("-evaluation__year", "evaluation_id")
    )


def branches_to_open(user) -> QuerySet[Organization]:
    """The active branches where the user may open an evaluation."""
    return Organization.objects.filter(
        scope_q(user, Need.MANAGE), kind__in=Organization.BRANCH_KINDS, status=Organization.Status.ACTIVE
    ).order_by("path")


def talk_branches(user) -> QuerySet[Organization]:
    """The active branches whose talks the user reads."""
    return Organization.objects.filter(
        scope_q(user, Need.READ), kind__in=Organization.BRANCH_KINDS, status=Organization.Status.ACTIVE
    ).order_by("path")


@dataclass
class Row:
    participant: Participant
    tally: dict[str, int] = field(default_factory=dict)  # grade -> ballots, in Grade's order
    ballots: int = 0


def tally_shown(evaluation: Evaluation) -> bool:
    """Whether the committee sees the tally: after grading has closed, and only with enough voters that no one's
    ballot can be read off it (1 query)."""
    if evaluation.stage in (S.SELF_ASSESSMENT, S.GRADING):
        return False
    return VoterRecord.objects.filter(evaluation=evaluation).count() >= MIN_VOTERS_FOR_TALLY


def participant_rows(evaluation: Evaluation, *, with_tally: bool = False) -> list[Row]:
    """Every participant in name order (never by votes: the evaluation ranks nobody), with the tally of peer
    grades when asked: 2 queries (participants with their files, the tally grouped by member and grade)."""
    participants = list(evaluation.participants.select_related("member"))
    counts: dict[int, Counter] = defaultdict(Counter)
    if with_tally:
        for graded_id, grade, n in (
            Ballot.objects.filter(evaluation=evaluation).values_list("graded_id", "grade")
            .annotate(n=Count("pk")).values_list("graded_id", "grade", "n").order_by()
        ):
            counts[graded_id][grade] = n
    rows = []
    for p in participants:
        tally = {g: counts[p.pk].get(g, 0) for g in Grade.values} if with_tally and p.graded else {}
        rows.append(Row(p, tally, sum(tally.values())))
    return rows


def excellent_cap(evaluation: Evaluation, graded: int) -> int:
    """At most one "excellent" in every N graded members, rounded down (N: the organization's rule, 3 by default):
    3 graded -> 1, 4 -> 1, 29 -> 9, 30 -> 10."""
    return graded // rules.value(EXCELLENT_SHARE, evaluation.organization)


def progress(evaluation: Evaluation) -> dict[str, int]:
    """How far the members are: taking part, graded, self-assessments written, ballots cast (2 queries)."""
    agg = evaluation.participants.aggregate(
        total=Count("pk"), graded=Count("pk", filter=Q(graded=True)),
        written=Count("pk", filter=~Q(self_assessment="")),
    )
    agg["voted"] = VoterRecord.objects.filter(evaluation=evaluation).count()
    return agg


def result_counts(evaluation: Evaluation) -> list[tuple[str, str, int]]:
    """The final grades counted, in Grade's order: (code, label, n)."""
    found = Counter(evaluation.participants.filter(graded=True).values_list("final_grade", flat=True))
    return [(g.value, g.label, found.get(g.value, 0)) for g in Grade]


# ---------------------------------------------------------------------------------------------------------------
# The workbench


def _my_parts(user, today: datetime.date) -> tuple[QuerySet[Participant], QuerySet[Evaluation]]:
    """(My parts in evaluations at self-assessment or grading; the evaluations at proposal or decision that I
    manage or sit on the committee of.)"""
    return (my_participations(user).filter(evaluation__stage__in=_OWN_STAGES),
            Evaluation.objects.filter(scope_q(user, Need.MANAGE, "organization__path") | _seat_q(user, today),
                                      stage__in=_COMMITTEE_STAGES))


_OWN_STAGES = [S.SELF_ASSESSMENT, S.GRADING]
_COMMITTEE_STAGES = [S.PROPOSAL, S.DECISION]


def _in_office(today: datetime.date, via: str = "") -> Q:
    """Seats held today (`via`: the path to the positions, e.g. "positions__"), one condition for the committee,
    the seats the user sits in and the workbench's probe."""
    return Q(**{f"{via}started_on__lte": today}) & (
        Q(**{f"{via}ended_on__isnull": True}) | Q(**{f"{via}ended_on__gte": today}))


def _seat_q(user, today: datetime.date) -> Q:
    """Evaluations of an organization whose committee the user sits on today (`user`: an account or its id)."""
    return Q(organization__positions__member__user=user) & _in_office(today, "organization__positions__")


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`): the user's own parts and the evaluations of
    the committees they sit on, and where they manage, the evaluations there; from the fourth quarter, the
    branches where they are secretary by a grant whose committee has someone in office with a member file (where
    `_talk_items` may count talks not yet held; a branch without such a seat counts none)."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    if not has_any(user, Need.MANAGE):
        return [_PROBE.bind(user.pk, today)]
    probe = [_PROBE.bind(user.pk, today), _MANAGED_PROBE.bind(scope_ranges(user, Need.MANAGE))]
    if today.month >= TALKS_DUE_FROM_MONTH:
        probe.append(_TALKS_PROBE.bind(user.pk, today))
    return probe


def _talk_branches(user) -> QuerySet[Organization]:
    """The active branches where the user is secretary by a grant on the branch itself (`user`: an account or its
    id)."""
    return Organization.objects.filter(kind__in=Organization.BRANCH_KINDS, status=Organization.Status.ACTIVE,
                                       role_grants__user=user, role_grants__role=Role.SECRETARY)


# Those of the branches whose committee has a seat in office today held by a member file (committee_members).
_TALKS_PROBE = PreparedExists(lambda user_id, today: _talk_branches(user_id).filter(
    _in_office(today, "positions__"), positions__member__isnull=False))


# Where the user manages: the evaluations at proposal or decision (`_my_parts`' scope part).
_MANAGED_PROBE = PreparedExists(lambda bounds: Evaluation.objects.filter(ranges_q(bounds, "organization__path"),
                                                                         stage__in=_COMMITTEE_STAGES))


_PROBE = PreparedExists(lambda user_id, today: (
    Participant.objects.filter(member__user=user_id, evaluation__stage__in=_OWN_STAGES),
    Evaluation.objects.filter(_seat_q(user_id, today), stage__in=_COMMITTEE_STAGES)))


def workbench_items(user) -> list[WorkItem]:
    """Self-assessments to write and ballots to cast (the user's own parts), proposals to write (the committee)
    and decisions to record (the secretary), and, from the fourth quarter, the talks not yet held. Two queries
    whatever the numbers (the user's parts; the evaluations they manage or sit on the committee of), and from
    October one more, and three for each branch where the user is secretary by a grant on the branch itself."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    items: list[WorkItem] = []
    mine, sitting = _my_parts(user, today)
    for p in mine:
        e = p.evaluation
        url = reverse("evaluation:mine", kwargs={"pk": e.pk})
        if e.stage == S.SELF_ASSESSMENT and not p.self_assessment:
            items.append(WorkItem(kind="evaluation", title=_("Write my self-assessment: %(year)s") % {"year": e.year},
                                  url=url, due=e.self_assessment_due, state=_("to write"),
                                  organization=e.organization.name, overdue=e.self_assessment_due < today,
                                  uid=f"evaluation-self-{p.pk}@chuxin"))
        elif e.stage == S.GRADING and not p.voted:
            items.append(WorkItem(kind="evaluation", title=_("Cast my ballot: %(year)s") % {"year": e.year},
                                  url=url, due=e.grading_due, state=_("to vote"),
                                  organization=e.organization.name, overdue=e.grading_due < today,
                                  uid=f"evaluation-ballot-{p.pk}@chuxin"))
    # The evaluations the user manages, or sits on the committee of (one query: the seat is a join).
    for e in sitting.select_related("organization").distinct().order_by("grading_due", "pk"):
        manage = can(user, e.organization, Need.MANAGE)
        if e.stage == S.PROPOSAL:
            items.append(WorkItem(kind="evaluation", title=_("Propose grades: member evaluation %(year)s") % {
                "year": e.year}, url=reverse("evaluation:propose", kwargs={"pk": e.pk}), due=None,
                state=_("to propose"), organization=e.organization.name, uid=f"evaluation-propose-{e.pk}@chuxin"))
        elif manage:
            items.append(WorkItem(kind="evaluation", title=_("Record the final grades: member evaluation %(year)s")
                                  % {"year": e.year}, url=reverse("evaluation:decide", kwargs={"pk": e.pk}),
                                  due=None, state=_("to decide"), organization=e.organization.name,
                                  uid=f"evaluation-decide-{e.pk}@chuxin"))
    if today.month >= TALKS_DUE_FROM_MONTH:
        items += _talk_items(user, today)
    return items


def _talk_items(user, today: datetime.date) -> list[WorkItem]:
    """For each branch the user is secretary of (by a grant on the branch itself, not from far above: a
    committee's worker is not every branch's secretary), the pairs of committee member and member not yet talked
    with. A secretary grant gives MANAGE: without that standing anywhere, no query (a plain member)."""
    if not has_any(user, Need.MANAGE):
        return []
    branches = list(_talk_branches(user).distinct())
    items = []
    for org in branches:
        missing = missing_talks(org, today.year, today=today)
        if missing:
            end = datetime.date(today.year, 12, 31)
            items.append(WorkItem(
                kind="talk", title=_("Heart-to-heart talks not yet held: %(n)s") % {"n": missing},
                url=reverse("evaluation:coverage", kwargs={"pk": org.pk}), due=end,
                state=_("before the life meeting"), organization=org.name, uid=f"talks-{org.pk}-{today.year}@chuxin"))
    return items


# ---------------------------------------------------------------------------------------------------------------
# The member file


def member_history(member: Member, user) -> list[HistorySection]:
    """The member's grades by year, for whoever may read the file (the file page has checked that): the final
    grade of each concluded evaluation, or that they took part without a grade (1 query)."""
    rows = []
    read = can(user, member.organization, Need.READ)
    own = member.user_id is not None and member.user_id == user.pk
    for p in (Participant.objects.filter(member=member, evaluation__stage=S.CONCLUDED)
              .select_related("evaluation__organization").order_by("-evaluation__year")):
        e = p.evaluation
        if can(user, e.organization, Need.READ):
            url = reverse("evaluation:detail", kwargs={"pk": e.pk})
        elif own:
            url = reverse("evaluation:mine", kwargs={"pk": e.pk})
        else:
            url = ""
        note = p.get_final_grade_display() if p.graded else _("took part without a grade")
        rows.append(HistoryRow(date=e.meeting_on, text=_("Member evaluation %(year)s, %(org)s") % {
            "year": e.year, "org": e.organization.name}, url=url, note=str(note)))
    if not (read or own):
        return []
    return [HistorySection(title=_("Member evaluation"), rows=rows, order=40)]


# ---------------------------------------------------------------------------------------------------------------
# Talks


def talk_note_visible(user, talk: Talk) -> bool:
    """The note is for the talker and the secretary (MANAGE on the organization) only."""
    return can(user, talk.organization, Need.MANAGE) or (
        talk.talker.user_id is not None and talk.talker.user_id == user.pk)


def talk_list(organization: Organization, year: int) -> QuerySet[Talk]:
    """The organization's talks of the year, newest first, with both people (1 query)."""
    return (Talk.objects.filter(organization=organization, held_on__year=year)
            .select_related("talker", "member", "organization"))


def committee_members(organization: Organization, today: datetime.date) -> list[Member]:
    """Who sits on the organization's committee today with a member file, in office order (1 query)."""
    seats = (Position.objects.in_office_order().filter(
        _in_office(today), organization=organization, member__isnull=False).select_related("member"))
    found: dict[int, Member] = {}
    for seat in seats:
        found.setdefault(seat.member_id, seat.member)
    return list(found.values())


def members_on_roll(organization: Organization) -> QuerySet[Member]:
    return Member.objects.filter(subtree_q(organization.path, "organization__path"),
                                 status=Member.Status.ACTIVE).order_by("name_pinyin", "id")


@dataclass
class CoverageLine:
    talker: Member
    done: list[tuple[Member, datetime.date]]  # (member, last talk)
    not_yet: list[Member]
    cells: list[tuple[Member, datetime.date | None, bool]]  # (member, last talk, is the talker), the table's row


@dataclass
class Coverage:
    lines: list[CoverageLine]
    members: list[Member]
    missing: int  # pairs not yet talked with

    @property
    def pairs(self) -> int:
        return sum(len(line.done) + len(line.not_yet) for line in self.lines)


def missing_talks(organization: Organization, year: int, *, today: datetime.date | None = None) -> int:
    """How many (committee member, member) pairs have not talked this year: `coverage(...).missing`, for the
    workbench, from ids alone. No seat, no query for the members; else the members' ids in no order (ordered by
    name, SQLite walked the whole name index, every member of the tree, 300 ms at 100,000 members, for a
    number). 1-3 queries."""
    today = today or timezone.localdate()
    talkers = {m.pk for m in committee_members(organization, today)}
    if not talkers:
        return 0
    members = set(members_on_roll(organization).order_by().values_list("id", flat=True))
    talked: set[tuple[int, int]] = set()
    for a, b in Talk.objects.filter(organization=organization, held_on__year=year).values_list(
            "talker_id", "member_id"):
        talked |= {(a, b), (b, a)}
    return sum(1 for t in talkers for m in members if m != t and (t, m) not in talked)


def coverage(organization: Organization, year: int, *, today: datetime.date | None = None) -> Coverage:
    """Committee members x members this year: with whom each has talked (either way round: a talk is between
    two people) and with whom not yet. 3 queries: the seats, the members, the year's talks."""
    today = today or timezone.localdate()
    talkers = committee_members(organization, today)
    members = list(members_on_roll(organization))
    last: dict[tuple[int, int], datetime.date] = {}
    for a, b, on in Talk.objects.filter(organization=organization, held_on__year=year).values_list(
            "talker_id", "member_id", "held_on"):
        for key in ((a, b), (b, a)):
            if key not in last or last[key] < on:
                last[key] = on
    lines = []
    missing = 0
    for talker in talkers:
        done, not_yet, cells = [], [], []
        for m in members:
            on = last.get((talker.pk, m.pk))
            cells.append((m, on, m.pk == talker.pk))
            if m.pk == talker.pk:
                continue
            if on is not None:
                done.append((m, on))
            else:
                not_yet.append(m)
        missing += len(not_yet)
        lines.append(CoverageLine(talker, done, not_yet, cells))
    return Coverage(lines, members, missing)
