"""Writes: questions and their versions, practice, exams and attempts. Points are awarded by chuxin.quizzes.points,
a consumer of the work records these services (and other apps) write."""

from __future__ import annotations

import datetime
import random
from contextlib import nullcontext
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core import rules as core_rules
from chuxin.core.access import Need, authorize
from chuxin.core.db import PreparedRows
from chuxin.core.paths import ancestor_paths
from chuxin.members.models import Member
from chuxin.records.services import record_work

from . import grading, selectors
from .apps import DAILY_COUNT, POINT_KINDS
from .models import (
    Answer,
    Attempt,
    Exam,
    PointRule,
    PracticeSession,
    Question,
    QuestionKind,
    QuestionVersion,
    WrongAnswer,
)

# A paper submitted by the page's own countdown reaches the server a moment after the deadline: its answers are
# taken within this grace; later, only the answers saved before the deadline count.
GRACE = datetime.timedelta(seconds=5)
CHALLENGE_LENGTH = 50


# ---------------------------------------------------------------------------------------------------------------
# Questions


def question_create(*, actor, organization, kind: str, topic: str, text: str, options: list[str],
                    answer: list[Any], explanation: str = "", source: str = "", difficulty: int = 2) -> Question:
    authorize(actor, organization, Need.MANAGE)
    options, answer = grading.check_content(kind, text, options, answer)
    with transaction.atomic():
        question = Question(organization=organization, organization_path=organization.path, kind=kind,
                            topic=topic.strip(), difficulty=difficulty, source=source.strip(),
                            created_by=actor if actor is not None else None)
        question.full_clean(exclude=["current"])
        question.save()
        version = QuestionVersion.objects.create(question=question, number=1, text=text.strip(), options=options,
                                                 answer=answer, explanation=explanation.strip())
        question.current = version
        question.save(update_fields=["current"])
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=question, organization=organization,
                     changes={"topic": ["", question.topic], "kind": ["", kind]})
    return question


def question_edit(*, actor, question: Question, topic: str, text: str, options: list[str], answer: list[Any],
                  explanation: str = "", source: str = "", difficulty: int = 2, active: bool = True) -> Question:
    """Metadata changes in place; a change of wording, options, answer or explanation makes a new version, so the
    answers already given keep the version they answered."""
    authorize(actor, question.organization, Need.MANAGE)
    options, answer = grading.check_content(question.kind, text, options, answer)
    with transaction.atomic():
        question = Question.objects.select_for_update(of=("self",)).select_related("current").get(pk=question.pk)
        current = question.current
        new_content = (text.strip(), options, answer, explanation.strip())
        changes: dict[str, list] = {}
        if current is None or (current.text, current.options, current.answer, current.explanation) != new_content:
            number = (current.number if current else 0) + 1
            question.current = QuestionVersion.objects.create(
                question=question, number=number, text=new_content[0], options=options, answer=answer,
                explanation=new_content[3])
            changes["current"] = [str(number - 1), str(number)]
        for field, value in (("topic", topic.strip()), ("source", source.strip()), ("difficulty", difficulty),
                             ("active", active)):
            if getattr(question, field) != value:
                changes[field] = [str(getattr(question, field)), str(value)]
                setattr(question, field, value)
        if changes:
            question.full_clean()
            question.save()
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=question,
                         organization=question.organization, changes=changes)
    return question


# ---------------------------------------------------------------------------------------------------------------
# Practice


def _draw(pool_ids: list[int], count: int, seed: str) -> list[int]:
    ids = sorted(pool_ids)
    return random.Random(seed).sample(ids, min(count, len(ids)))


def _current_versions(question_ids: list[int]) -> list[int]:
    found = dict(Question.objects.filter(pk__in=question_ids).values_list("pk", "current_id"))
    return [found[q] for q in question_ids if found.get(q)]


def daily_practice(*, user, day: datetime.date) -> PracticeSession | None:
    """Today's practice: drawn once per person and day (seeded by both, so even a lost row draws the same), kept."""
    session = selectors.practice_today(user, day)
    if session is not None:
        return session
    org = selectors.home_place(user)
    if org is None:
        return None
    count = core_rules.value(DAILY_COUNT, org)
    current = selectors.pool_current(user)  # the pool's current versions
    if not current:
        return None
    versions = [current[pk] for pk in _draw(list(current), count, f"daily:{user.pk}:{day.isoformat()}")]
    try:
        # One statement: in autocommit it needs no transaction of its own (BEGIN and COMMIT were two more round
        # trips on each member's first page of the day); inside a caller's transaction, a savepoint keeps that
        # transaction usable when the insert is refused.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            return PracticeSession.objects.create(user=user, organization_id=org.pk, kind=PracticeSession.Kind.DAILY,
                                                  day=day, versions=versions)
    except IntegrityError:  # the same person's other tab drew it a moment ago
        return selectors.practice_today(user, day)


def challenge_start(*, user) -> PracticeSession | None:
    org = selectors.home_organization(user)
    pool = list(selectors.question_pool(user).values_list("pk", flat=True))
    if org is None or not pool:
        return None
    seed = f"challenge:{user.pk}:{timezone.now().isoformat()}"
    return PracticeSession.objects.create(user=user, organization=org, kind=PracticeSession.Kind.CHALLENGE,
                                          day=timezone.localdate(), versions=_current_versions(
                                              _draw(pool, CHALLENGE_LENGTH, seed)))


def _note_wrong(user, question_id: int, right: bool) -> None:
    if right:
        WrongAnswer.objects.filter(user=user, question_id=question_id).delete()
        return
    updated = WrongAnswer.objects.filter(user=user, question_id=question_id).update(
        times=F("times") + 1, last_wrong_at=timezone.now())
    if not updated:
        try:
            with transaction.atomic():
                WrongAnswer.objects.create(user=user, question_id=question_id)
        except IntegrityError:
            pass


def practice_answer(*, user, session: PracticeSession, version_id: int, raw: list[str]) -> tuple[Answer, bool]:
    """Answer one question of a practice; (answer, created). A replayed answer finds the saved one and changes
    nothing. The last answer (or a challenge's first wrong one) finishes the session and records it."""
    if session.user_id != user.pk:
        raise PermissionDenied
    if version_id not in session.versions:
        raise ValidationError(_("This question is not part of this practice."))
    found = selectors.versions_in_order([version_id])
    if not found:
        raise QuestionVersion.DoesNotExist
    version = found[0]
    given = session
    with transaction.atomic():
        # Under the session's lock every answer to it is made (here only), so the one already given is found
        # here and no twin can be inserted meanwhile: no savepoint, no second look afterwards. `answered` counts
        # them (kept here, under the lock): none yet, none to look for. Both queries compiled once
        # (chuxin.core.db.PreparedRows): every answer of every practice asks them.
        session = _LOCKED_SESSION.first_object(session.pk)
        if session is None:
            raise PracticeSession.DoesNotExist
        existing = _ANSWER_GIVEN.first_object(session.pk, version_id) if session.answered else None
        if existing is not None:
            existing.version = version
            return existing, False
        if session.finished_at is not None:
            raise ValidationError(_("This practice is already finished."))
        response = grading.clean_response(version.question.kind, raw, version.options)
        if not response:
            raise ValidationError(_("Choose or write an answer first."))
        right = grading.is_right(version.question.kind, version.answer, response)
        answer = Answer.objects.create(user=user, session=session, version=version, response=response,
                                       correct=right)
        session.answered += 1
        session.correct += int(right)
        done = session.answered >= len(session.versions) or (session.kind == PracticeSession.Kind.CHALLENGE
                                                              and not right)
        if done:
            session.finished_at = timezone.now()
        session.save(update_fields=["answered", "correct", "finished_at", "updated_at"])
        _note_wrong(user, version.question_id, right)
        if done:
            member = Member.objects.filter(user=user).first()
            record_work(kind="quiz.practice_done", organization=session.organization, on=session.day,
                        target=session, actor=user, users=[user], members=[member],
                        payload={"kind": session.kind, "correct": session.correct, "answered": session.answered},
                        label=str(session))
    # The caller's copy shows what was just saved, without reading the row again.
    given.answered, given.correct, given.finished_at = session.answered, session.correct, session.finished_at
    return answer, True


_LOCKED_SESSION = PreparedRows(lambda pk: PracticeSession.objects.select_for_update().filter(pk=pk))
_ANSWER_GIVEN = PreparedRows(lambda session_id, version_id: Answer.objects.filter(
    session_id=session_id, version_id=version_id).order_by()[:1])


def wrong_review(*, user, question: Question, raw: list[str]) -> bool:
    """Answer a question from the wrong-answer book again: right, and it leaves the book."""
    if not WrongAnswer.objects.filter(user=user, question=question).exists():
        raise ValidationError(_("This question is no longer in your wrong-answer book."))
    version = question.current
    response = grading.clean_response(question.kind, raw, version.options)
    if not response:
        raise ValidationError(_("Choose or write an answer first."))
    right = grading.is_right(question.kind, version.answer, response)
    _note_wrong(user, question.pk, right)
    return right


# ---------------------------------------------------------------------------------------------------------------
# Exams


def _check_exam(exam: Exam) -> None:
    errors: dict[str, str] = {}
    if exam.opens_at and exam.closes_at and exam.closes_at <= exam.opens_at:
        errors["closes_at"] = _("The exam must close after it opens.")
    if not 1 <= exam.time_limit <= 600:
        errors["time_limit"] = _("The time limit is between 1 and 600 minutes.")
    if not 0 <= exam.pass_mark <= 100:
        errors["pass_mark"] = _("The pass mark is a percentage between 0 and 100.")
    if not 1 <= exam.max_attempts <= 10:
        errors["max_attempts"] = _("Allow between 1 and 10 attempts.")
    if errors:
        raise ValidationError(errors)


def exam_save(*, actor, organization, exam: Exam | None = None, fields: dict[str, Any], questions=(),
              audience_orgs=(), audience_members=()) -> Exam:
    """Create or change an exam; a published exam with papers submitted keeps its paper (only dates and text)."""
    authorize(actor, organization, Need.MANAGE)
    creating = exam is None
    with transaction.atomic():
        exam = exam or Exam(organization=organization, organization_path=organization.path, created_by=actor)
        for name, value in fields.items():
            setattr(exam, name, value)
        _check_exam(exam)
        if not creating and exam.attempts.exists():
            old = Exam.objects.get(pk=exam.pk)
            before = (old.mode, set(old.questions.values_list("pk", flat=True)), old.draw)
            if before != (exam.mode, {q.pk for q in questions}, exam.draw):
                raise ValidationError(_("Papers have been taken: the questions can no longer change."))
        for org in audience_orgs:
            authorize(actor, org, Need.MANAGE)
        for member in audience_members:
            authorize(actor, member.organization, Need.MANAGE)
        n_draw = sum(int(exam.draw.get(k, 0) or 0) for k in QuestionKind.values)
        if exam.mode in (Exam.Mode.FIXED, Exam.Mode.MIXED) and not questions:
            raise ValidationError({"questions": _("Choose the paper's fixed questions.")})
        if exam.mode in (Exam.Mode.RANDOM, Exam.Mode.MIXED) and not n_draw:
            raise ValidationError({"single": _("Say how many questions of each type to draw.")})
        if not audience_orgs and not audience_members:
            raise ValidationError({"audience_orgs": _("Choose who takes the exam: organizations or members.")})
        exam.full_clean()
        exam.save()
        exam.questions.set(questions if exam.mode != Exam.Mode.RANDOM else [])
        exam.audience_orgs.set(audience_orgs)
        exam.audience_members.set(audience_members)
        audit_record(actor=actor, action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
                     target=exam, organization=organization, changes={"title": ["", exam.title]})
    return exam


def exam_publish(*, actor, exam: Exam) -> Exam:
    authorize(actor, exam.organization, Need.MANAGE)
    if exam.status == Exam.Status.PUBLISHED:
        return exam
    Exam.objects.filter(pk=exam.pk).update(status=Exam.Status.PUBLISHED)
    exam.status = Exam.Status.PUBLISHED
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=exam, organization=exam.organization,
                 changes={"status": [Exam.Status.DRAFT, Exam.Status.PUBLISHED]})
    return exam


def _paper(exam: Exam, user, number: int) -> list[int]:
    """The attempt's question versions: the fixed questions in order, then the random draw by type counts."""
    fixed = list(exam.questions.filter(active=True).order_by("pk").values_list("pk", flat=True)) \
        if exam.mode != Exam.Mode.RANDOM else []
    drawn: list[int] = []
    if exam.mode != Exam.Mode.FIXED:
        pool = Question.objects.filter(active=True, current__isnull=False,
                                       organization_path__in=ancestor_paths(exam.organization.path)
                                       ).exclude(pk__in=fixed)
        if exam.draw.get("topics"):
            pool = pool.filter(topic__in=exam.draw["topics"])
        rng_seed = f"exam:{exam.pk}:{user.pk}:{number}"
        for kind in QuestionKind.values:
            n = int(exam.draw.get(kind, 0) or 0)
            if n:
                ids = list(pool.filter(kind=kind).values_list("pk", flat=True))
                drawn += _draw(ids, n, f"{rng_seed}:{kind}")
    return _current_versions(fixed + drawn)


def attempt_start(*, user, exam: Exam) -> Attempt:
    """Start (or return the open) attempt. The deadline is fixed now: the time limit, capped by the closing."""
    if not selectors.may_take(user, exam):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        mine = list(Attempt.objects.select_for_update().filter(exam=exam, user=user).order_by("number"))
        for attempt in mine:
            if attempt.submitted_at is None and now < attempt.deadline:
                return attempt
        attempts_expire_for(mine)
        if not exam.is_open(now):
            raise ValidationError(_("This exam is not open now."))
        if any(a.passed for a in mine):
            raise ValidationError(_("You have already passed this exam."))
        if len(mine) >= exam.max_attempts:
            raise ValidationError(_("You have used all your attempts at this exam."))
        number = len(mine) + 1
        versions = _paper(exam, user, number)
        if not versions:
            raise ValidationError(_("This exam has no questions yet. Tell its organizer."))
        try:
            with transaction.atomic():
                return Attempt.objects.create(
                    exam=exam, user=user, member=Member.objects.filter(user=user).first(), number=number,
                    versions=versions, started_at=now, total=len(versions),
                    deadline=min(now + datetime.timedelta(minutes=exam.time_limit), exam.closes_at))
        except IntegrityError:  # a double click started it in the other request
            return Attempt.objects.get(exam=exam, user=user, number=number)


def attempt_save(*, user, attempt: Attempt, version_id: int, raw: list[str]) -> Answer:
    """Save one answer while the time runs; refused once the deadline has passed."""
    if attempt.user_id != user.pk:
        raise PermissionDenied
    if attempt.is_over():
        raise ValidationError(_("The time is up: this answer was not saved. Your saved answers count."))
    if version_id not in attempt.versions:
        raise ValidationError(_("This question is not on your paper."))
    version = QuestionVersion.objects.select_related("question").get(pk=version_id)
    response = grading.clean_response(version.question.kind, raw, version.options)
    answer, _created = Answer.objects.update_or_create(
        attempt=attempt, version=version, defaults={"user": user, "response": response, "saved_at": timezone.now()})
    return answer


def attempt_submit(*, user, attempt: Attempt, responses: dict[int, list[str]] | None = None,
                   auto: bool = False) -> tuple[Attempt, bool]:
    """Hand in the paper once: (attempt, newly graded). A replay or a reload finds it graded and changes nothing.
    Answers sent with the submission count only up to the deadline (and its grace); after it, the saved ones."""
    if user is not None and attempt.user_id != user.pk:
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update(of=("self",)).select_related("exam__organization").get(
            pk=attempt.pk)
        if attempt.submitted_at is not None:
            return attempt, False
        late = now > attempt.deadline + GRACE
        if responses and not late:
            for version_id, raw in responses.items():
                if version_id in attempt.versions:
                    _attempt_save_unchecked(attempt, version_id, raw, now)
        _grade(attempt, now=min(now, attempt.deadline) if late else now, auto=auto or late)
    return attempt, True


def _attempt_save_unchecked(attempt: Attempt, version_id: int, raw: list[str], now) -> None:
    version = QuestionVersion.objects.select_related("question").get(pk=version_id)
    response = grading.clean_response(version.question.kind, raw, version.options)
    Answer.objects.update_or_create(attempt=attempt, version=version,
                                    defaults={"user_id": attempt.user_id, "response": response, "saved_at": now})


def _grade(attempt: Attempt, *, now, auto: bool) -> None:
    answers = {a.version_id: a for a in attempt.answers.select_related("version__question")}
    versions = {v.pk: v for v in QuestionVersion.objects.filter(pk__in=attempt.versions).select_related("question")}
    score = 0
    for version_id in attempt.versions:
        version = versions.get(version_id)
        answer = answers.get(version_id)
        if version is None or answer is None:
            continue
        right = grading.is_right(version.question.kind, version.answer, answer.response)
        Answer.objects.filter(pk=answer.pk).update(correct=right)
        score += int(right)
        _note_wrong(attempt.user, version.question_id, right)
    exam = attempt.exam
    attempt.score, attempt.total = score, len(attempt.versions)
    attempt.passed = attempt.percent >= exam.pass_mark
    attempt.submitted_at, attempt.auto_submitted = now, auto
    attempt.save(update_fields=["score", "total", "passed", "submitted_at", "auto_submitted", "updated_at"])
    member = attempt.member
    org = member.organization if member is not None else exam.organization
    users = [attempt.user]
    record_work(kind="quiz.exam_taken", organization=org, on=timezone.localdate(now), target=attempt,
                actor=attempt.user, users=users, members=[member],
                payload={"exam": exam.pk, "percent": attempt.percent, "passed": attempt.passed}, label=exam.title)
    if attempt.passed:
        record_work(kind="quiz.exam_passed", organization=org, on=timezone.localdate(now), target=exam,
                    key=f"user:{attempt.user_id}", actor=attempt.user, users=users, members=[member],
                    payload={"exam": exam.pk}, label=exam.title)


def attempts_expire_for(attempts) -> None:
    for attempt in attempts:
        if attempt.submitted_at is None and attempt.is_over():
            attempt_submit(user=None, attempt=attempt, auto=True)


def attempts_expire(today: datetime.date | None = None) -> int:
    """Daily housekeeping (and on every visit to an exam): papers whose time ran out are handed in as saved."""
    due = list(Attempt.objects.filter(submitted_at__isnull=True, deadline__lt=timezone.now() - GRACE)[:5000])
    attempts_expire_for(due)
    return len(due)


# ---------------------------------------------------------------------------------------------------------------
# Point rules (the switch itself is the core rule `points_enabled`, set on the organization's rules page)


def point_rule_save(*, actor, organization, kind: str, points: int, daily_cap: int | None,
                    weekly_cap: int | None, once_only: bool) -> PointRule:
    authorize(actor, organization, Need.MANAGE)
    if kind not in POINT_KINDS:
        raise ValidationError({"kind": _("Choose one of the kinds of work offered.")})
    if not 1 <= points <= 100:
        raise ValidationError({"points": _("Between 1 and 100 points.")})
    with transaction.atomic():
        rule, created = PointRule.objects.select_for_update().get_or_create(
            organization=organization, kind=kind, defaults={"organization_path": organization.path})
        rule.points, rule.daily_cap, rule.weekly_cap, rule.once_only = points, daily_cap, weekly_cap, once_only
        rule.full_clean()
        rule.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
                     target=rule, organization=organization, changes={"points": ["", str(points)]})
    return rule


def point_rule_delete(*, actor, rule: PointRule) -> None:
    authorize(actor, rule.organization, Need.MANAGE)
    with transaction.atomic():
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, target=rule, organization=rule.organization,
                     changes={"kind": [rule.kind, ""]})
        rule.delete()
