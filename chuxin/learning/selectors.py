"""Reads of the learning app, narrowed to what the reader may see.

What a person sees of the library: the items of every organization they stand on (and those below it, for the
people who manage or read them) and of every organization above it (a superior's items flow down). Required
reading shows who has read an item and who has not, in name order, never ranked and never timed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core import rules as core_rules
from chuxin.core.access import Need, Relation, fetch, is_user, scope_prefixes, scope_q, standings
from chuxin.core.db import Bound, PreparedExists
from chuxin.core.paths import ancestor_paths, is_in_subtree, subtree_q
from chuxin.core.protocols import WorkItem
from chuxin.members import selectors as members_selectors
from chuxin.members.models import Member
from chuxin.orgs.models import Organization, Position
from chuxin.quizzes.models import Attempt, Exam
from chuxin.records.selectors import records_of_year

from . import search as fulltext
from .apps import TARGET_LEADER, TARGET_MEMBER
from .models import (
    Completion,
    Course,
    ExternalTraining,
    ImportDraft,
    Item,
    Lesson,
    Reading,
    Receipt,
    Session,
    TrainingClass,
)

# ---------------------------------------------------------------------------------------------------------------
# What a person sees


def visible_q(user, field: str = "organization_path") -> Q:
    """Rows of organizations the user stands on or below (in scope), or above them (flowing down)."""
    own = [s.path for s in standings(user) if s.rank >= Need.PUBLIC]
    if not own:
        return Q(pk__in=[])
    if "" in own:
        return Q()
    above = {p for path in own for p in ancestor_paths(path)} | set(own)
    return scope_q(user, Need.PUBLIC, field) | Q(**{f"{field}__in": sorted(above)})


def sees(user, path: str) -> bool:
    own = [s.path for s in standings(user) if s.rank >= Need.PUBLIC]
    return any(is_in_subtree(path, p) or is_in_subtree(p, path) for p in own)


def item_list(user, *, text: str = "", kind: str = "", category: int | None = None, topic: int | None = None,
              tag: str = "") -> QuerySet[Item]:
    qs = Item.objects.filter(visible_q(user)).select_related("organization", "category", "topic")
    if kind in Item.Kind.values:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category_id=category)
    if topic:
        qs = qs.filter(topic_id=topic)
    if tag:
        qs = qs.filter(tags__name=tag)
    if text.strip():
        qs = fulltext.search(qs, text)
    # Newest first by id (the order they were published): the database walks the primary key backwards and stops
    # at a page, where ordering by the date made it sort every match of a common word (600 ms at 40,000 matches).
    return qs.order_by("-pk")


# Relations the library declares to the access policy: an item (a course) published above the reader flows down
# to them (read only); those on a class's roster read it; a required reading is followed by whoever reads one of the
# people it asks; a member reads their own training elsewhere.
FLOWS_DOWN = Relation("published above", lambda user, obj: sees(user, obj.organization_path), Need.PUBLIC)


def access_item(user, pk, *, need: Need = Need.PUBLIC) -> Item:
    """An item the user sees (reading), or one of an organization they manage (need MANAGE)."""
    return fetch(user, Item.objects.select_related("organization", "category", "topic"), pk, need=need,
                 relations=[FLOWS_DOWN])


def access_course(user, pk, *, need: Need = Need.PUBLIC) -> Course:
    return fetch(user, Course.objects.select_related("organization"), pk, need=need, relations=[FLOWS_DOWN])


def access_lesson(user, pk) -> Lesson:
    return fetch(user, Lesson.objects.select_related("course__organization", "item"), pk, need=Need.PUBLIC,
                 organization="course.organization", relations=[FLOWS_DOWN.of("course")])


ON_ROSTER = Relation("on the roster", lambda user, cls: user.is_authenticated and cls.roster.filter(
    user=user).exists(), Need.READ)


def access_class(user, pk, *, need: Need) -> TrainingClass:
    """A training class: those who read its organization, and the people on its roster (to see their sessions)."""
    return fetch(user, TrainingClass.objects.select_related("organization"), pk, need=need, relations=[ON_ROSTER])


def class_exam_choices(cls: TrainingClass):
    """The exams a class may take as its final exam: its own organization's, newest first."""
    return Exam.objects.filter(organization=cls.organization_id).order_by("-opens_at", "-pk")


def final_exam_results(cls: TrainingClass, roster) -> dict[int, object]:
    """{member id: their best handed-in attempt at the class's final exam} for the roster. One query."""
    best: dict[int, object] = {}
    attempts = (Attempt.objects.filter(exam=cls.final_exam_id, member__in=[m.pk for m in roster],
                                       submitted_at__isnull=False).order_by("member_id", "-score", "number"))
    for attempt in attempts:
        best.setdefault(attempt.member_id, attempt)
    return best


def access_session(user, pk, *, need: Need) -> Session:
    return fetch(user, Session.objects.select_related("training_class__organization"), pk, need=need,
                 organization="training_class.organization")


def access_draft(user, pk) -> ImportDraft:
    """An import under review: its author's, in an organization they still manage."""
    draft = fetch(user, ImportDraft.objects.select_related("organization", "item"), pk, need=Need.MANAGE)
    if draft.created_by_id != user.pk and not user.is_superuser:
        raise Http404
    return draft


THEMSELF = is_user("member.user_id", "the member themself")


def access_external(user, pk) -> ExternalTraining:
    """Training elsewhere: the member's own, or read by those who read their organization."""
    return fetch(user, ExternalTraining.objects.select_related("member__organization"), pk, need=Need.READ,
                 organization="member.organization", relations=[THEMSELF])


def _follows(user, reading) -> bool:
    return bool(scope_prefixes(user, Need.READ)) and expected_readers(reading).filter(
        scope_q(user, Need.READ, "organization__path")).exists()


# A branch secretary follows a reading a committee asked of the branch (its people are in their scope).
FOLLOWS = Relation("asks people the user reads", _follows, Need.READ)


def access_reading(user, pk) -> Reading:
    """A required reading, for someone who reads its organization or some of the people it asks."""
    return fetch(user, Reading.objects.select_related("item", "organization"), pk, need=Need.READ,
                 relations=[FOLLOWS])


def own_member(user) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.member
    except Member.DoesNotExist:
        return None


# ---------------------------------------------------------------------------------------------------------------
# Required reading


def expected_readers(reading: Reading) -> QuerySet[Member]:
    """The members on the roll of the organizations asked (their subtrees), and the people named."""
    q = Q(pk__in=reading.members.values("pk"))
    for path in reading.organizations.values_list("path", flat=True):
        q |= subtree_q(path, "organization__path")
    return Member.objects.filter(q, status=Member.Status.ACTIVE).select_related("organization")


@dataclass
class ReaderRow:
    member: Member
    opened_at: datetime.datetime | None


def reading_status(reading: Reading, user) -> list[ReaderRow]:
    """Everyone asked whom the user may see, read or not, in name order (never ranked). Two queries."""
    readers = list(expected_readers(reading).filter(scope_q(user, Need.READ, "organization__path"))
                   .order_by("name_pinyin", "pk"))
    opened = dict(Receipt.objects.filter(item=reading.item_id, member__in=[m.pk for m in readers])
                  .values_list("member_id", "opened_at"))
    return [ReaderRow(m, opened.get(m.pk)) for m in readers]


def readings_for_manager(user) -> QuerySet[Reading]:
    """Required reading the user may follow: asked by an organization they read, or asking one (or people) in
    their scope."""
    prefixes = scope_prefixes(user, Need.READ)
    if not prefixes:
        return Reading.objects.none()
    above = sorted({a for p in prefixes for a in [*ancestor_paths(p), p]})
    q = scope_q(user, Need.READ, "organization_path") | Q(organizations__path__in=above) | scope_q(
        user, Need.READ, "organizations__path") | scope_q(user, Need.READ, "members__organization__path")
    return Reading.objects.filter(pk__in=Reading.objects.filter(q).values("pk")).select_related(
        "item", "organization").order_by("-due_on", "-pk")


def readings_of_member(member: Member | None) -> QuerySet[Reading]:
    if member is None:
        return Reading.objects.none()
    return Reading.objects.filter(
        pk__in=_readings_for(member.pk, ancestor_paths(member.organization.path)).values("pk")
    ).select_related("item", "organization").order_by("due_on", "pk")


def _readings_for(member_id: int, paths: list[str]) -> QuerySet[Reading]:
    """Readings required of the member: of their organization or one above it (`paths`, the organization's
    own included), or of them by name."""
    return Reading.objects.filter(Q(organizations__path__in=paths) | Q(members=member_id))


def _not_read(readings: QuerySet[Reading], member_id: int) -> QuerySet[Reading]:
    return readings.exclude(item_id__in=Receipt.objects.filter(member=member_id).values("item_id"))


def _unread(member: Member) -> QuerySet[Reading]:
    return _not_read(readings_of_member(member), member.pk)


def unread_of_member(member: Member | None) -> list[Reading]:
    return [] if member is None else list(_unread(member))


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`)."""
    key = members_selectors.own_member_key(user)
    return [] if key is None else [_PROBE.bind(key[0], ancestor_paths(key[1]))]


_PROBE = PreparedExists(lambda member_id, paths: _not_read(_readings_for(member_id, paths), member_id))


def workbench_items(user) -> list[WorkItem]:
    """The user's own required reading not yet opened. Two queries (the active member file with its organization,
    shared with the other apps while the workbench gathers; the readings)."""
    member = members_selectors.own_member(user)
    if member is None:
        return []
    today = timezone.localdate()
    items, seen = [], set()
    for r in unread_of_member(member):
        if r.item_id in seen:
            continue
        seen.add(r.item_id)
        items.append(WorkItem(kind="reading", title=r.item.title, url=r.item.get_absolute_url(), due=r.due_on,
                              state=_("to read"), organization=r.organization.name, overdue=r.due_on < today,
                              uid=f"reading-{r.pk}@chuxin"))
    return items


# ---------------------------------------------------------------------------------------------------------------
# Courses


def course_list(user) -> QuerySet[Course]:
    return Course.objects.filter(visible_q(user)).select_related("organization").annotate(
        n_lessons=Count("lessons")).order_by("-created_at", "-pk")


def completed_lessons(member: Member | None, course: Course) -> set[int]:
    if member is None:
        return set()
    return set(Completion.objects.filter(member=member, lesson__course=course).values_list("lesson_id", flat=True))


def course_progress(course: Course, organization: Organization) -> list[tuple[Member, int]]:
    """Each member on the roll of the organization's subtree with the lessons they completed, in name order (a
    course's progress for an organization; never ranked). Two queries."""
    members = list(Member.objects.filter(subtree_q(organization.path, "organization__path"),
                                         status=Member.Status.ACTIVE).select_related("organization")
                   .order_by("name_pinyin", "pk"))
    done = dict(Completion.objects.filter(lesson__course=course, member__in=[m.pk for m in members])
                .values("member_id").annotate(n=Count("id")).values_list("member_id", "n"))
    return [(m, done.get(m.pk, 0)) for m in members]


def class_list(user) -> QuerySet[TrainingClass]:
    """Classes of organizations the user reads, and those the user is on the roster of."""
    member = own_member(user)
    q = scope_q(user, Need.READ, "organization_path")
    if member is not None:
        q |= Q(roster=member)
    return TrainingClass.objects.filter(pk__in=TrainingClass.objects.filter(q).values("pk")).select_related(
        "organization").order_by("-starts_on", "-pk")


def class_hours(cls: TrainingClass) -> tuple[int, Decimal]:
    """(days with sessions, study hours) of a class."""
    sessions = list(cls.sessions.all())
    return len({s.on for s in sessions}), sum((s.hours for s in sessions), Decimal(0))


# ---------------------------------------------------------------------------------------------------------------
# Study hours


@dataclass
class LedgerLine:
    on: datetime.date
    source: str  # "class", "meeting", "elsewhere"
    title: str
    hours: Decimal
    url: str = ""


@dataclass
class Ledger:
    member: Member
    year: int
    lines: list[LedgerLine] = field(default_factory=list)
    target: int = 0
    leader: bool = False

    @property
    def total(self) -> Decimal:
        return sum((line.hours for line in self.lines), Decimal(0))

    @property
    def below(self) -> bool:
        return self.total < self.target

    @property
    def missing(self) -> Decimal:
        return max(Decimal(self.target) - self.total, Decimal(0))


def _leaders(member_ids: list[int], year: int) -> set[int]:
    """Members who held a seat on a committee at some time in the year (the 56-hour target)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return set(Position.objects.filter(member_id__in=member_ids, started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)).values_list("member_id", flat=True))


def ledgers(members: list[Member], year: int) -> list[Ledger]:
    """The year's study hours of each member: training-class sessions attended, the study part of the meetings
    attended (the meeting records: hours x presence) and training elsewhere. Time in the app never counts.
    Five queries whatever the number of members, plus the targets' overrides."""
    ids = [m.pk for m in members]
    found: dict[int, list[LedgerLine]] = defaultdict(list)
    for s in Session.objects.filter(attended__in=ids, on__year=year).values("attended", "on", "hours", "subject", "training_class__title", "training_class_id"):
        found[s["attended"]].append(LedgerLine(
            s["on"], "class", f"{s['training_class__title']}：{s['subject']}", s["hours"],
            reverse("learning:class", args=[s["training_class_id"]])))
    records = records_of_year(year, kinds=["meeting_held"]).filter(members__in=ids).distinct()
    wanted = set(ids)
    for record in records:
        hours = Decimal(str(record.payload.get("study_hours") or "0"))
        if hours <= 0:
            continue
        for m in record.members.all():
            if m.pk in wanted:
                found[m.pk].append(LedgerLine(record.on, "meeting", record.label, hours, record.url))
    for row in ExternalTraining.objects.filter(member__in=ids, on__year=year):
        found[row.member_id].append(LedgerLine(row.on, "elsewhere", f"{row.title}（{row.provider}）", row.hours,
                                               reverse("learning:certificate", args=[row.pk])))
    leaders = _leaders(ids, year)
    book = core_rules.Resolver(sorted({m.organization.path for m in members}) or [""])
    result = []
    for m in members:
        leader = m.pk in leaders
        target = book.value(TARGET_LEADER if leader else TARGET_MEMBER, m.organization)
        lines = sorted(found.get(m.pk, []), key=lambda line: (line.on, line.title))
        result.append(Ledger(m, year, lines, int(target), leader))
    return result


def ledger_of(member: Member, year: int) -> Ledger:
    return ledgers([member], year)[0]


def members_of(organization: Organization) -> list[Member]:
    return list(Member.objects.filter(subtree_q(organization.path, "organization__path"),
                                      status=Member.Status.ACTIVE).select_related("organization")
                .order_by("name_pinyin", "pk"))


def drafts_of(user) -> QuerySet[ImportDraft]:
    return ImportDraft.objects.filter(created_by=user, item__isnull=True).select_related("organization")[:20]
