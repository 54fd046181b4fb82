"""The annual member evaluation (民主评议党员) and heart-to-heart talks (谈心谈话).

An Evaluation is one branch's evaluation for one year. Its Participants are a snapshot of the branch's members on
the roll when it was opened: full members are graded, probationary members take part without a grade. Peer grading
is anonymous for real: a Ballot row holds the evaluation, the member graded and the grade, and nothing that ties
it to whoever cast it (no voter, no time, a random UUID key so that ordering by key says nothing about the order
of voting); a VoterRecord, unique per evaluation and voter, only says that someone has voted, so nobody votes
twice. The two tables share no column but the evaluation.

A Talk is one heart-to-heart talk: who talked with whom, when, and of which kind, with a short note only the
talker and the secretary read.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuxin.audit.display import AuditField
from chuxin.core.models import TimeStampedModel
from chuxin.core.validators import no_formula_prefix


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("excellent")
    QUALIFIED = "qualified", _("qualified")
    BASICALLY_QUALIFIED = "basic", _("basically qualified")
    UNQUALIFIED = "unqualified", _("unqualified")


class Evaluation(TimeStampedModel):
    class Stage(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("self-assessment")
        GRADING = "grading", _("peer grading")
        PROPOSAL = "proposal", _("committee proposal")
        DECISION = "decision", _("meeting decision")
        CONCLUDED = "concluded", _("concluded")

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("Party organization"), on_delete=models.PROTECT,
        related_name="evaluations",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.SELF_ASSESSMENT)
    self_assessment_due = models.DateField(_("self-assessments due"))
    grading_due = models.DateField(_("peer grading closes"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    # The branch general meeting that decided the final grades: a date and a note (no link to a meeting record).
    meeting_on = models.DateField(_("date of the branch general meeting"), null=True, blank=True)
    meeting_note = models.CharField(_("meeting note"), max_length=300, blank=True, validators=[no_formula_prefix])
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("concluded by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    # How the audit log shows what evaluation.services records beyond the fields.
    audit_fields = {
        "participants": AuditField(_("members taking part"), count=True),
        "proposed": AuditField(_("grades proposed"), count=True),
    }

    class Meta:
        ordering = ["-year", "organization__path"]
        verbose_name = _("member evaluation")
        verbose_name_plural = _("member evaluations")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="evaluation_once_a_year"),
            models.CheckConstraint(condition=Q(grading_due__gte=models.F("self_assessment_due")),
                                   name="evaluation_grading_after_self_assessment"),
        ]

    def __str__(self) -> str:
        # Language-neutral: the audit log keeps it as written.
        return f"{self.organization.name} · {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:detail", kwargs={"pk": self.pk})

    @property
    def is_concluded(self) -> bool:
        return self.stage == self.Stage.CONCLUDED


class Participant(TimeStampedModel):
    """A member taking part, as they stood when the evaluation was opened."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="evaluations")
    # Full members are graded; probationary members take part without a grade (GLOSSARY: 民主评议党员).
    graded = models.BooleanField(_("graded"), default=True)
    self_assessment = models.TextField(_("self-assessment"), blank=True, max_length=3000)
    self_assessed_at = models.DateTimeField(_("self-assessment written at"), null=True, blank=True)
    proposed_grade = models.CharField(_("proposed grade"), max_length=20, choices=Grade.choices, blank=True)
    # The committee's comment, fed back to the member with their final grade.
    comment = models.CharField(_("committee's comment"), max_length=500, blank=True)
    final_grade = models.CharField(_("final grade"), max_length=20, choices=Grade.choices, blank=True)

    # The log says that a self-assessment was written, never what it says.
    audit_fields = {"self_assessment": AuditField(values={"written": _("written")})}

    class Meta:
        ordering = ["evaluation_id", "member__name_pinyin", "member_id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "member"], name="evaluation_participant_once"),
            models.CheckConstraint(condition=Q(graded=True) | (Q(proposed_grade="") & Q(final_grade="")),
                                   name="evaluation_ungraded_has_no_grade"),
        ]

    def __str__(self) -> str:
        return self.member.name


class Ballot(models.Model):
    """One anonymous peer grade. Deliberately no voter, no timestamp, no autoincrement key: a random UUID key,
    and a voter's ballots are inserted together, in shuffled order (services.ballot_cast)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="ballots")
    graded = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ballots_received")
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["evaluation", "graded", "grade"], name="ballot_tally")]

    def __str__(self) -> str:
        return self.get_grade_display()


class VoterRecord(models.Model):
    """That a participant has voted, and nothing else (no time; a random key): one per evaluation and
    voter, so a second ballot (a double click, two tabs, a replay) is refused."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="voters")
    voter = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("voter record")
        verbose_name_plural = _("voter records")
        constraints = [models.UniqueConstraint(fields=["evaluation", "voter"], name="evaluation_votes_once")]

    def __str__(self) -> str:
        return str(_("voted"))


class Talk(TimeStampedModel):
    class Kind(models.TextChoices):
        ROUTINE = "routine", _("routine talk")
        REMINDER = "reminder", _("reminder talk")
        LIFE_MEETING = "life_meeting", _("before the organizational life meeting")

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("Party organization"), on_delete=models.PROTECT, related_name="talks",
    )
    talker = models.ForeignKey("members.Member", verbose_name=_("talker"), on_delete=models.PROTECT,
                               related_name="talks_given")
    member = models.ForeignKey("members.Member", verbose_name=_("talked with"), on_delete=models.PROTECT,
                               related_name="talks_received")
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ROUTINE)
    # Only the talker and the secretary read it (selectors.talk_note_visible).
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("heart-to-heart talk")
        verbose_name_plural = _("heart-to-heart talks")
        constraints = [
            models.CheckConstraint(condition=~Q(talker=models.F("member")), name="talk_between_two_people"),
        ]
        indexes = [models.Index(fields=["organization", "held_on"], name="talk_org_date")]

    def __str__(self) -> str:
        return f"{self.talker.name} · {self.member.name}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:talks", kwargs={"pk": self.organization_id}) + f"?year={self.held_on.year}"
