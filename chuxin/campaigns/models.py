"""Campaigns (主题教育), regular study plans (两学一做) and innovation projects (双创): work with a beginning, an
owner, a state and an end, recorded once.

A Campaign is launched by a committee for organizations of its subtree (Participant rows, each with its path
copied, so the progress matrix is one aggregate over a range). Its Stages lie inside its period; each stage has
required Actions: a meeting of a given kind held in the stage, a report filed in the stage (both ticked from the
work-record stream), or an action done by hand with a note. An ActionDone row per (action, organization) says
it was done, when, and by which record or note: the matrix counts these rows.

A StudyPlan is an organization's plan for a year: topics per month with their materials (attachments and links);
a topic is delivered by the meetings that studied it (TopicMeeting), whose attendance shows who took part.

A Project (双创) is proposed under a committee's yearly Call: a team of member files with a leader, an optional
mentor, milestones and progress updates; reviewers score it; the committee approves, and it runs until it is
delivered (a work record) or stopped.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chuxin.audit.display import AuditField
from chuxin.core.attachments import Attachment
from chuxin.core.models import TimeStampedModel
from chuxin.core.paths import PATH_MAX_LEN
from chuxin.core.validators import no_formula_prefix

# ---------------------------------------------------------------------------------------------------------------
# Campaigns


class Campaign(TimeStampedModel):
    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        ENDED = "ended", _("ended")

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("launched by"), on_delete=models.PROTECT,
                                     related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, editable=False)
    name = models.CharField(_("name"), max_length=200, validators=[no_formula_prefix])
    description = models.TextField(_("purpose and requirements"), blank=True, max_length=5000)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    summary = models.TextField(pgettext_lazy("campaign", "summary"), blank=True, max_length=20000)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    # How the audit log shows what campaigns.services records beyond the fields.
    audit_fields = {
        "stage": AuditField(_("stage")),
        "actions": AuditField(_("required actions")),
        "action": AuditField(_("required action")),
        "note": AuditField(_("note")),
    }

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="campaign_period_order")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING


class Participant(models.Model):
    """An organization taking part in a campaign (a branch of the committee's subtree)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, editable=False)

    class Meta:
        ordering = ["organization_path"]
        verbose_name = _("participating organization")
        verbose_name_plural = _("participating organizations")
        constraints = [models.UniqueConstraint(fields=["campaign", "organization"], name="campaign_participant_once")]
        indexes = [models.Index(fields=["organization", "campaign"], name="campaign_participant_org")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:checklist", args=[self.pk])


class Stage(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("stage"), max_length=100, validators=[no_formula_prefix])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["campaign", "position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="campaign_stage_order")]

    def __str__(self) -> str:
        return self.name


class Action(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("a meeting held in the stage")
        REPORT = "report", _("a report filed in the stage")
        MANUAL = "manual", _("done by hand, with a note")

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("how it is done"), max_length=10, choices=Kind.choices)
    meeting_kind = models.CharField(_("meeting kind"), max_length=20, blank=True)  # a meetings Kind value
    title = models.CharField(_("required action"), max_length=200, validators=[no_formula_prefix])

    class Meta:
        ordering = ["stage", "pk"]

    def __str__(self) -> str:
        return self.title


class ActionDone(models.Model):
    """One organization's required action done: ticked by a work record (record_id) or by hand (note)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="done")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="done")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")  # the matrix groups by it
    done_on = models.DateField(_("done on"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)  # the work record that ticked it
    label = models.CharField(max_length=200, blank=True)  # what ticked it: the meeting or report title
    url = models.CharField(max_length=300, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["action", "participant"], name="campaign_action_done_once")]
        indexes = [models.Index(fields=["stage", "participant"], name="campaign_done_matrix")]

    def __str__(self) -> str:
        return f"{self.action} · {self.participant.organization}"

    @property
    def by_hand(self) -> bool:
        return self.record_id is None


# ---------------------------------------------------------------------------------------------------------------
# Study plans


class StudyPlan(TimeStampedModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("title"), max_length=200, validators=[no_formula_prefix])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    audit_fields = {"topic": AuditField(_("topic")), "month": AuditField(_("month")),
                    "meeting": AuditField(_("meeting"))}

    class Meta:
        ordering = ["-year", "organization_path"]
        verbose_name = _("study plan")
        verbose_name_plural = _("study plans")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="study_plan_once_a_year")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:plan", args=[self.pk])


class StudyTopic(models.Model):
    plan = models.ForeignKey(StudyPlan, on_delete=models.CASCADE, related_name="topics")
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    title = models.CharField(_("topic"), max_length=200, validators=[no_formula_prefix])
    description = models.TextField(_("what to study"), blank=True, max_length=5000)
    links = models.TextField(_("links"), blank=True, max_length=3000,
                             help_text=_("One address a line, starting with http:// or https://."))
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "month", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines()
                if line.strip().startswith(("http://", "https://"))]


class StudyMaterial(Attachment):
    topic = models.ForeignKey(StudyTopic, on_delete=models.CASCADE, related_name="materials")

    class Meta:
        ordering = ["created_at", "pk"]


class TopicMeeting(models.Model):
    """A meeting that studied the topic (a themed Party day, a group meeting): who attended is its attendance."""

    topic = models.ForeignKey(StudyTopic, on_delete=models.CASCADE, related_name="meeting_links")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["topic", "meeting"], name="study_topic_meeting_once")]

    def __str__(self) -> str:
        return f"{self.topic} · {self.meeting}"


# ---------------------------------------------------------------------------------------------------------------
# Innovation projects


class Call(TimeStampedModel):
    """A committee's yearly call for innovation projects (双创)."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("committee"), on_delete=models.PROTECT,
                                     related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("title"), max_length=200, validators=[no_formula_prefix])
    description = models.TextField(_("what the call asks for"), blank=True, max_length=5000)
    closes_on = models.DateField(_("proposals until"))
    reviews_needed = models.PositiveSmallIntegerField(_("reviews needed before approval"), default=2,
                                                      validators=[MinValueValidator(1), MaxValueValidator(9)])
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("reviewers"), blank=True,
                                       related_name="+")

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("call for projects")
        verbose_name_plural = _("calls for projects")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="innovation_call_once_a_year")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:call", args=[self.pk])


class Project(TimeStampedModel):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", pgettext_lazy("project", "rejected")
        RUNNING = "running", _("running")
        DELIVERED = "delivered", _("delivered")
        STOPPED = "stopped", _("stopped")

    class Award(models.TextChoices):
        NONE = "", _("no award")
        EXCELLENT = "excellent", _("excellent project")
        OUTSTANDING = "outstanding", _("outstanding project")
        MERIT = "merit", _("project of merit")

    call = models.ForeignKey(Call, verbose_name=_("call for projects"), on_delete=models.PROTECT,
                             related_name="projects")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, editable=False)
    title = models.CharField(_("project"), max_length=200, validators=[no_formula_prefix])
    problem = models.TextField(_("the problem"), max_length=3000)
    goal = models.TextField(_("the goal"), max_length=3000)
    expected_result = models.TextField(_("expected result"), max_length=3000)
    leader = models.ForeignKey("members.Member", verbose_name=_("leader"), on_delete=models.PROTECT,
                               related_name="+")
    team = models.ManyToManyField("members.Member", verbose_name=_("team"), blank=True, related_name="+")
    staff = models.CharField(_("staff on the team (not members)"), max_length=300, blank=True)
    mentor = models.CharField(_("mentor"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True, max_length=3000)
    award = models.CharField(_("award level"), max_length=12, choices=Award.choices, default=Award.NONE,
                             blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    audit_fields = {"score": AuditField(_("score")), "milestone": AuditField(_("milestone")),
                    "due_on": AuditField(_("due on")), "progress": AuditField(_("progress"))}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("innovation project")
        verbose_name_plural = _("innovation projects")
        indexes = [models.Index(fields=["call", "state"], name="innovation_portfolio")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:project", args=[self.pk])


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200, validators=[no_formula_prefix])
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Update(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("progress"), max_length=3000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:50]


class Review(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    comment = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "reviewer"], name="innovation_review_once"),
            models.CheckConstraint(condition=Q(score__lte=100), name="innovation_review_score_bounds"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.score}"
