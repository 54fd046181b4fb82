"""Reads: the question pool a person practises from, the banks a manager sees, exams, results, points."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core import rules as core_rules
from chuxin.core.access import Need, Relation, fetch, scope_q, standings
from chuxin.core.db import Bound, Prepared, PreparedExists, PreparedRows, loaded
from chuxin.core.paths import ancestor_paths
from chuxin.core.protocols import WorkItem
from chuxin.members.models import Member
from chuxin.members.selectors import own_member, own_member_key, own_place
from chuxin.orgs.models import Organization

from .models import Answer, Attempt, Exam, PointEntry, PointRule, PracticeSession, Question, QuestionVersion


def home_organization(user) -> Organization | None:
    """Where a person's practice and points count: their member file's organization, else where they hold a role
    (the nearest to the leaves, so a branch before its committee)."""
    member = own_member(user)
    if member is not None:
        return member.organization
    paths = sorted((s.path for s in standings(user) if s.path), key=len, reverse=True)
    return Organization.objects.filter(path=paths[0]).first() if paths else None


def home_place(user) -> Organization | None:
    """`home_organization` as far as a rule's value and a row's organization need it (its id and path), from
    what this request's access check read (chuxin.members.selectors.own_place): no query for a member. Not
    for display: the instance carries nothing else."""
    place = own_place(user)
    if place is not None:
        return Organization(pk=place[0], path=place[1])
    return home_organization(user)


def pool_paths(user) -> list[str]:
    """The organizations whose questions reach the user: every ancestor of each place they stand (banks flow down)."""
    return sorted({p for s in standings(user) for p in ancestor_paths(s.path)} | {""})


def question_pool(user) -> QuerySet[Question]:
    return _pool(pool_paths(user))


def _pool(paths: list[str]) -> QuerySet[Question]:
    return Question.objects.filter(active=True, current__isnull=False, organization_path__in=paths)


def pool_current(user) -> dict[int, int]:
    """{question: its current version} of the user's pool, in the pool's order (topic, then question): what the
    daily practice draws from, on each member's first page of the day (a query compiled once per number of
    places, chuxin.core.db.PreparedRows)."""
    return dict(_POOL_CURRENT.tuples(pool_paths(user)))


_POOL_CURRENT = PreparedRows(lambda paths: _pool(paths).order_by("topic", "pk").values_list("pk", "current_id"))


def answers_of(session: PracticeSession) -> dict[int, Answer]:
    """{version: the answer} of a practice (a query compiled once: every practice page with an answer asks)."""
    return {answer.version_id: answer for answer in _ANSWERS.objects(session.pk)}


_ANSWERS = PreparedRows(lambda session_id: Answer.objects.filter(session_id=session_id).order_by())


def question_list(user, *, topic: str = "", kind: str = "", search: str = "") -> QuerySet[Question]:
    """Questions a manager sees: their own subtree's banks and the banks above (read-only), active first."""
    q = scope_q(user, Need.MANAGE, "organization_path") | Q(organization_path__in=pool_paths(user))
    rows = Question.objects.filter(q).select_related("current", "organization")
    if topic:
        rows = rows.filter(topic=topic)
    if kind:
        rows = rows.filter(kind=kind)
    if search:
        rows = rows.filter(current__text__icontains=search[:50])
    return rows.order_by("-active", "topic", "pk")


def topics(user) -> list[str]:
    return sorted(set(question_pool(user).values_list("topic", flat=True)))


def access_question(user, pk, *, need: Need) -> Question:
    return fetch(user, Question.objects.select_related("current", "organization"), pk, need=need)


def versions_in_order(ids: list[int]) -> list[QuestionVersion]:
    """The versions of `ids` in that order (those that exist), each with its question's type, topic and source
    (what a question's card shows; the question's other fields are read if asked for). A version never changes,
    so every practice page and answer asks this: one query compiled once per number of ids
    (chuxin.core.db.PreparedRows)."""
    if not ids:
        return []
    found = {}
    for row in _VERSIONS.dicts(list(ids)):
        question = loaded(Question, {"id": row["question_id"], **{
            name: row.pop(f"question__{name}") for name in _QUESTION_FIELDS[1:]}})
        version = loaded(QuestionVersion, row)
        version.question = question
        found[version.pk] = version
    return [found[i] for i in ids if i in found]


_QUESTION_FIELDS = ["id", "kind", "topic", "source"]
_VERSIONS = PreparedRows(lambda ids: QuestionVersion.objects.filter(pk__in=ids).order_by().values(
    *(field.attname for field in QuestionVersion._meta.concrete_fields),
    *(f"question__{name}" for name in _QUESTION_FIELDS[1:])))


# ---------------------------------------------------------------------------------------------------------------
# Exams


def _in_audience(user, exam: Exam) -> bool:
    if not user.is_authenticated:
        return False
    member = getattr(user, "_quiz_member", None)
    if member is None:
        member = Member.objects.filter(user=user, status=Member.Status.ACTIVE).only("id", "organization_id").first()
        user._quiz_member = member or False
    if not member:
        return False
    if exam.audience_members.filter(pk=member.pk).exists():
        return True
    path = Organization.objects.filter(pk=member.organization_id).values_list("path", flat=True).first() or ""
    return any(path.startswith(p) for p in exam.audience_orgs.values_list("path", flat=True))


AUDIENCE = Relation("the exam's audience", lambda user, exam: exam.status == Exam.Status.PUBLISHED
                    and _in_audience(user, exam), Need.PUBLIC)


def access_exam(user, pk, *, need: Need) -> Exam:
    return fetch(user, Exam.objects.select_related("organization"), pk, need=need, relations=[AUDIENCE])


def may_take(user, exam: Exam) -> bool:
    return exam.status == Exam.Status.PUBLISHED and _in_audience(user, exam)


OWNER = Relation("the person taking it", lambda user, attempt: attempt.user_id == user.pk, Need.MANAGE)


def access_attempt(user, pk, *, need: Need) -> Attempt:
    """The person's own attempt (to take and read), or READ on the exam's organization (to read the result)."""
    return fetch(user, Attempt.objects.select_related("exam__organization"), pk, need=need,
                 organization="exam.organization", relations=[OWNER])


def assigned_exams(user) -> QuerySet[Exam]:
    """Published exams whose audience includes the user's member file (their organization's subtree or chosen)."""
    member = own_member(user)
    if member is None:
        return Exam.objects.none()
    return _assigned(member.pk, ancestor_paths(member.organization.path)).distinct().select_related("organization")


def _assigned(member_id: int, paths: list[str]) -> QuerySet[Exam]:
    return Exam.objects.filter(status=Exam.Status.PUBLISHED).filter(
        Q(audience_orgs__path__in=paths) | Q(audience_members=member_id))


def managed_exams(user) -> QuerySet[Exam]:
    return Exam.objects.filter(scope_q(user, Need.MANAGE, "organization_path")).select_related("organization")


def attempts_of(user, exams) -> dict[int, list[Attempt]]:
    found: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(user=user, exam__in=exams).order_by("number"):
        found.setdefault(attempt.exam_id, []).append(attempt)
    return found


def exam_results(exam: Exam) -> list[Attempt]:
    return list(exam.attempts.filter(submitted_at__isnull=False).select_related("user", "member")
                .order_by("member__name", "user__username", "number"))


def item_analysis(exam: Exam) -> list[dict]:
    """Per question version on submitted papers: how many answered, how many right, and each option's picks.
    Two queries: the answers' counts, the versions."""
    rows = (Answer.objects.filter(attempt__exam=exam, attempt__submitted_at__isnull=False)
            .values("version").annotate(n=Count("id"), right=Count("id", filter=Q(correct=True))))
    counts = {r["version"]: r for r in rows}
    picks: dict[int, dict[int, int]] = {}
    for version_id, response in Answer.objects.filter(attempt__exam=exam, attempt__submitted_at__isnull=False,
                                                      version__question__kind__in=["single", "multiple"]
                                                      ).values_list("version", "response"):
        for index in response or []:
            picks.setdefault(version_id, {}).setdefault(int(index), 0)
            picks[version_id][int(index)] += 1
    analysis = []
    for version in QuestionVersion.objects.filter(pk__in=counts).select_related("question").order_by("pk"):
        c = counts[version.pk]
        analysis.append({
            "version": version, "answered": c["n"], "right": c["right"],
            "rate": round(100 * c["right"] / c["n"]) if c["n"] else 0,
            "options": [(chr(65 + i), text, picks.get(version.pk, {}).get(i, 0), i in version.answer)
                        for i, text in enumerate(version.options)],
        })
    analysis.sort(key=lambda row: row["rate"])
    return analysis


def _open_to_me(user, now) -> QuerySet[Exam]:
    return assigned_exams(user).filter(opens_at__lte=now, closes_at__gt=now)


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`)."""
    key = own_member_key(user)
    if key is None:
        return []
    return [_PROBE.bind(key[0], ancestor_paths(key[1]), timezone.now())]


_PROBE = PreparedExists(lambda member_id, paths, now: _assigned(member_id, paths).filter(opens_at__lte=now,
                                                                                      closes_at__gt=now))


def workbench_items(user) -> list[WorkItem]:
    """Exams assigned to the user, open now, not yet submitted with attempts left. Three queries."""
    if not user.is_authenticated:
        return []
    exams = list(_open_to_me(user, timezone.now())[:50])
    if not exams:
        return []
    done = attempts_of(user, exams)
    items = []
    for exam in exams:
        mine = done.get(exam.pk, [])
        if any(a.submitted_at and a.passed for a in mine) or sum(1 for a in mine if a.submitted_at) >= \
                exam.max_attempts:
            continue
        day = timezone.localtime(exam.closes_at).date()
        items.append(WorkItem(kind="exam", title=exam.title, url=exam.get_absolute_url(), due=day,
                              state=_("exam to take"), organization=exam.organization.name,
                              uid=f"exam-{exam.pk}@chuxin"))
    return items


# ---------------------------------------------------------------------------------------------------------------
# Points


def points_enabled(org: Organization | None) -> bool:
    return bool(org and core_rules.value(core_rules.POINTS_ENABLED.code, org))


def rankings_enabled(org: Organization | None) -> bool:
    return bool(org and core_rules.value(core_rules.RANKINGS_ENABLED.code, org))


def point_rules_for(org: Organization) -> dict[str, PointRule]:
    """The rule for each kind that holds at `org`: its own, else the nearest ancestor's."""
    found: dict[str, PointRule] = {}
    rows = PointRule.objects.filter(organization_path__in=ancestor_paths(org.path)).order_by("organization_path")
    for rule in rows:  # parents first: a nearer rule replaces it
        found[rule.kind] = rule
    return found


def my_points(user) -> tuple[int, QuerySet[PointEntry]]:
    entries = PointEntry.objects.filter(user=user)
    return entries.aggregate(total=Sum("points"))["total"] or 0, entries


TOP = 10


def top_points(org: Organization, *, year: int) -> list[dict]:
    """Only the top entries of the subtree's year, never a bottom list (the switch must be on: the view checks)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    rows = (PointEntry.objects.filter(organization_path__startswith=org.path, on__range=(start, end))
            .values("user").annotate(total=Sum("points")).order_by("-total", "user")[:TOP])
    rows = list(rows)
    names = {m.user_id: m.name for m in Member.objects.filter(user__in=[r["user"] for r in rows])}
    return [{"name": names.get(r["user"], "—"), "total": r["total"]} for r in rows]


def practice_today(user, day: datetime.date) -> PracticeSession | None:
    """The person's daily practice of `day`. Every practice page and every answer asks: it reads the person's
    latest daily practice through a query compiled once (chuxin.core.db.Prepared; the unique index of a person's
    days serves it), which is the day's when they have one; only when a later day's exists is the day looked up."""
    latest = _LATEST_DAILY.first_object(user.pk)
    if latest is None or latest.day < day:
        return None
    if latest.day == day:
        return latest
    return PracticeSession.objects.filter(user=user, day=day, kind=PracticeSession.Kind.DAILY).first()


_LATEST_DAILY = Prepared(lambda user_id: PracticeSession.objects.filter(
    user_id=user_id, kind=PracticeSession.Kind.DAILY).order_by("-day")[:1])


def exam_url(exam: Exam) -> str:
    return reverse("quizzes:exam", args=[exam.pk])
