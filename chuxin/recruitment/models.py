"""Recruitment (发展党员): a person's pipeline through the five stages and their steps.

The steps and their time limits are data (RuleSet + StepRule rows, the 2014 rules seeded by migration 0002), so a
later revision (the reported 2026 one) is added as a new rule set without code: its steps, their order, the
article each cites and the time limits the platform computes. A person (Applicant) is not a member file yet; the
member file is made when the higher committee approves the admission (step 17) and updated when it approves the
full membership (step 24). Each step is recorded by a person (StepRecord): the platform computes the next
deadline or earliest date and refuses steps out of order, and never records a step by itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from chuxin.audit.display import AuditField
from chuxin.core.attachments import Attachment
from chuxin.core.models import TimeStampedModel
from chuxin.core.paths import PATH_MAX_LEN
from chuxin.core.validators import no_formula_prefix


class Stage(models.IntegerChoices):
    APPLICATION = 1, _("Applicant")
    ACTIVIST = 2, _("Activist")
    CANDIDATE = 3, _("Candidate")
    ADMISSION = 4, _("Admission")
    PROBATION = 5, _("Probationary member")


class RuleSet(models.Model):
    """One version of the recruitment rules (the 2014 rules; a later revision)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(max_length=100, blank=True)
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("recruitment rule set")
        verbose_name_plural = _("recruitment rule sets")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name if (get_language() or "zh").startswith("zh") or not self.name_en else self.name_en


class StepRule(models.Model):
    """One step of a rule set, with the article it cites and the time limit counted from an earlier step.

    `anchor` is the number of the step a limit counts from; `earliest_months` (at least this long after it) and
    `deadline_months` (at most; `extended_months` in special cases, with the reason recorded) are calendar
    months; `notice` marks a step that a public notice (公示) precedes where the organization's rules want one
    (counted in working days). `kind` names what the step records beyond its date."""

    class Kind(models.TextChoices):
        PLAIN = "plain", _("date and note")
        CONTACTS = "contacts", _("contacts")
        SPONSORS = "sponsors", _("sponsors")
        TRAINING = "training", _("training")
        MEETING = "meeting", _("meeting decision")
        ADMIT = "admit", _("approval of admission")
        CONFIRM = "confirm", _("approval of full membership")

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step"))
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(max_length=100, blank=True)
    article = models.CharField(_("article"), max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PLAIN)
    repeatable = models.BooleanField(default=False)  # the half-yearly assessment is recorded again and again
    anchor = models.PositiveSmallIntegerField(null=True, blank=True)
    earliest_months = models.PositiveSmallIntegerField(null=True, blank=True)
    deadline_months = models.PositiveSmallIntegerField(null=True, blank=True)
    extended_months = models.PositiveSmallIntegerField(null=True, blank=True)
    notice = models.BooleanField(default=False)
    min_training_days = models.PositiveSmallIntegerField(null=True, blank=True)
    min_training_hours = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["rule_set", "number"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "number"], name="recruitment_step_once")]

    def __str__(self) -> str:
        return f"{self.number}. {self.display_name}"

    @property
    def display_name(self) -> str:
        return self.name if (get_language() or "zh").startswith("zh") or not self.name_en else self.name_en


class Holiday(models.Model):
    """The holiday calendar for limits counted in working days: a public holiday on a weekday, or (is_workday)
    a weekend day worked in exchange (调休). Kept by the house for everyone; the State Council publishes it yearly."""

    day = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=50, validators=[no_formula_prefix])
    is_workday = models.BooleanField(_("a working day (swapped)"), default=False)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}"


class Applicant(TimeStampedModel):
    """A person in the recruitment pipeline, from the application on."""

    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    class Status(models.TextChoices):
        ACTIVE = "active", _("in progress")
        DONE = "done", _("full member")
        STOPPED = "stopped", _("stopped")

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("Party organization"),
                                     on_delete=models.PROTECT, related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN)
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rules"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("login account"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="recruitment_records")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, validators=[no_formula_prefix])
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族", validators=[no_formula_prefix])
    birth_date = models.DateField(_("birth date"))
    citizen_id_encrypted = models.TextField(editable=False)
    citizen_id_masked = models.CharField(_("citizen ID number"), max_length=18, editable=False)
    citizen_id_digest = models.CharField(max_length=64, editable=False)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True, validators=[no_formula_prefix])
    education = models.CharField(_("education"), max_length=20, blank=True)
    unit = models.CharField(_("work unit and post"), max_length=100, blank=True, validators=[no_formula_prefix])
    applied_on = models.DateField(_("application date"))
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices, default=Stage.APPLICATION)
    last_step = models.PositiveSmallIntegerField(default=1)
    # The next step's deadline or earliest date, kept by the services when a step is recorded, so the overview and
    # the workbench read one indexed column instead of computing 2,000 timelines.
    next_step = models.PositiveSmallIntegerField(null=True, blank=True)
    next_due = models.DateField(null=True, blank=True)
    next_earliest = models.DateField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    member = models.OneToOneField("members.Member", verbose_name=_("member file"), on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="recruitment")

    # How the audit log shows what the services record beyond the fields: the step taken, the reason for stopping.
    audit_fields = {
        "step": AuditField(_("step taken")),
        "reason": AuditField(_("reason")),
    }

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("person in recruitment")
        verbose_name_plural = _("people in recruitment")
        indexes = [
            models.Index(fields=["status", "organization_path", "stage"], name="recruit_overview"),
            models.Index(fields=["status", "next_due"], name="recruit_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["citizen_id_digest"], condition=Q(status="active"),
                                    name="recruit_one_active_per_person"),
        ]

    def __str__(self) -> str:
        return self.name


class StepRecord(models.Model):
    """One step taken for a person, recorded by whoever took it (never by the platform)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="steps")
    step = models.ForeignKey(StepRule, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    people = models.ManyToManyField("members.Member", blank=True, related_name="+")  # contacts or sponsors
    meeting = models.ForeignKey("meetings.Meeting", verbose_name=_("meeting"), on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="+")
    training_days = models.PositiveSmallIntegerField(_("training days"), null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField(_("training hours"), null=True, blank=True)
    notice_from = models.DateField(_("public notice from"), null=True, blank=True)
    extended_reason = models.CharField(_("reason for the longer limit"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.applicant} {self.number}"


class StepAttachment(Attachment):
    record = models.ForeignKey(StepRecord, on_delete=models.CASCADE, related_name="attachments")

    class Meta:
        ordering = ["pk"]
