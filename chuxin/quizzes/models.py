"""Question bank, practice, exams and points (题库、练习、考试、积分).

A Question belongs to an organization; a committee's questions flow down to its whole subtree (`organization_path`
copied from the organization, so "the banks above me" is a list of ancestor paths). Its content lives in
QuestionVersion rows: an edit makes a new version and moves `current`, and every answer points at the version it
answered, so a past result never changes under the person who earned it.

Practice (daily and challenge) and exam attempts store the versions they drew (`versions`, a list of ids), drawn
once: a reloaded page shows the same paper. Answers are unique per (session or attempt, version): a replayed answer
finds the one already saved. An attempt's deadline is fixed when it starts (the time limit, capped by the exam's
closing time); the server refuses answers saved after it and grades only what was saved in time.

Points are opt-in per organization (the core rule `points_enabled`, off by default). PointRule says which kind of
work record earns how many points, with caps per day and week and once-only items; PointEntry is the append-only
ledger with one row per person and source record (a unique constraint), so a replay never counts twice.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.models import TimeStampedModel
from chuxin.core.paths import PATH_MAX_LEN
from chuxin.core.validators import no_formula_prefix


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    TRUE_FALSE = "true_false", _("true or false")
    FILL = "fill", _("fill in the blank")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("easy")
    MEDIUM = 2, _("medium")
    HARD = 3, _("hard")


class Question(TimeStampedModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"),
                                     on_delete=models.PROTECT, related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, editable=False)
    kind = models.CharField(_("type"), max_length=12, choices=QuestionKind.choices)
    topic = models.CharField(_("topic"), max_length=60, validators=[no_formula_prefix])
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), choices=Difficulty.choices,
                                                  default=Difficulty.MEDIUM)
    source = models.CharField(_("source"), max_length=200, blank=True, validators=[no_formula_prefix])
    active = models.BooleanField(_("in use"), default=True)
    current = models.ForeignKey("QuestionVersion", verbose_name=_("current version"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["topic", "pk"]
        indexes = [models.Index(fields=["organization_path", "active"], name="question_path_active")]

    def __str__(self) -> str:
        return self.current.text[:60] if self.current_id and self.current else f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:question-edit", args=[self.pk])


class QuestionVersion(models.Model):
    """One wording of a question. Never edited: an edit is a new version.

    `answer` is a list: the indexes of the right options (choice), ["true"] or ["false"] (true/false), or the
    accepted wordings of the blank (fill in)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(default=1)
    text = models.TextField(_("question"), max_length=1000)
    options = models.JSONField(_("options"), default=list, blank=True)
    answer = models.JSONField(_("answer"), default=list)
    explanation = models.TextField(_("explanation"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="question_version_once")]

    def __str__(self) -> str:
        return self.text[:60]


class PracticeSession(TimeStampedModel):
    class Kind(models.TextChoices):
        DAILY = "daily", _("daily practice")
        CHALLENGE = "challenge", _("challenge")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    day = models.DateField()
    versions = models.JSONField(default=list)  # the drawn question versions, in order
    correct = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], condition=Q(kind="daily"),
                                               name="practice_daily_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:daily") if self.kind == self.Kind.DAILY else reverse("quizzes:challenge")


class Exam(TimeStampedModel):
    class Mode(models.TextChoices):
        FIXED = "fixed", _("fixed paper")
        RANDOM = "random", _("random paper")
        MIXED = "mixed", _("mixed paper")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"),
                                     on_delete=models.PROTECT, related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, editable=False)
    title = models.CharField(_("title"), max_length=200, validators=[no_formula_prefix])
    instructions = models.TextField(_("instructions"), max_length=2000, blank=True)
    mode = models.CharField(_("paper"), max_length=10, choices=Mode.choices, default=Mode.FIXED)
    questions = models.ManyToManyField(Question, verbose_name=_("fixed questions"), blank=True, related_name="+")
    # Random draw: {"topics": [...], "single": n, "multiple": n, "true_false": n, "fill": n}
    draw = models.JSONField(default=dict, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    time_limit = models.PositiveIntegerField(_("time limit (minutes)"), default=30)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=60)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=1)
    audience_orgs = models.ManyToManyField("orgs.Organization", verbose_name=_("organizations taking it"),
                                           blank=True, related_name="+")
    audience_members = models.ManyToManyField("members.Member", verbose_name=_("chosen members"), blank=True,
                                              related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["-opens_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")),
                                              name="exam_closes_after_opening",
                                              violation_error_message=_("The exam must close after it opens."))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:exam", args=[self.pk])

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and self.opens_at <= now < self.closes_at


class Attempt(TimeStampedModel):
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    number = models.PositiveSmallIntegerField(default=1)
    versions = models.JSONField(default=list)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(default=False)
    score = models.PositiveIntegerField(default=0)  # right answers
    total = models.PositiveIntegerField(default=0)
    passed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["exam", "user", "number"], name="attempt_once")]

    def __str__(self) -> str:
        return f"{self.exam} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", args=[self.pk])

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.total) if self.total else 0

    def is_over(self, now: datetime.datetime | None = None) -> bool:
        return self.submitted_at is not None or (now or timezone.now()) >= self.deadline


class Answer(models.Model):
    """One answer to one question version, in a practice session or an exam attempt (exactly one of them)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="answers")
    session = models.ForeignKey(PracticeSession, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="answers")
    attempt = models.ForeignKey(Attempt, null=True, blank=True, on_delete=models.CASCADE, related_name="answers")
    response = models.JSONField(default=list)
    correct = models.BooleanField(null=True)  # exam answers are graded at the submission
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "version"], name="answer_once_in_session"),
            models.UniqueConstraint(fields=["attempt", "version"], name="answer_once_in_attempt"),
            models.CheckConstraint(condition=Q(session__isnull=True) ^ Q(attempt__isnull=True),
                                   name="answer_in_session_or_attempt"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.version_id}"


class WrongAnswer(models.Model):
    """The wrong-answer book: a question answered wrong stays here until it is answered right."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    times = models.PositiveIntegerField(default=1)
    last_wrong_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_wrong_at"]
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="wrong_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.question_id}"


class PointRule(TimeStampedModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"),
                                     on_delete=models.CASCADE, related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, editable=False)
    kind = models.CharField(_("what earns points"), max_length=40)  # a work record kind
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    daily_cap = models.PositiveSmallIntegerField(_("at most a day"), null=True, blank=True)
    weekly_cap = models.PositiveSmallIntegerField(_("at most a week"), null=True, blank=True)
    once_only = models.BooleanField(_("once only"), default=False)

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["organization", "kind"], name="point_rule_once")]

    def __str__(self) -> str:
        from chuxin.core import registry

        kind = registry.record_kinds().get(self.kind)
        return str(kind.label) if kind else self.kind


class PointEntry(models.Model):
    """Append-only: one entry per person and source record, never changed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN)
    record = models.ForeignKey("records.WorkRecord", on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(PointRule, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=40)
    points = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200)
    on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "record"], name="points_once_per_source")]
        indexes = [models.Index(fields=["user", "kind", "on"], name="points_user_kind_day")]

    def __str__(self) -> str:
        return f"+{self.points} {self.label}"
