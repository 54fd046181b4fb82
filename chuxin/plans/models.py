"""The annual plan (年度党建工作计划): areas, items, tasks with their people, milestones and progress."""

from __future__ import annotations

import datetime
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from chuxin.audit.display import AuditField, nothing
from chuxin.core.attachments import ATTACHMENT_EXTENSIONS, validate_attachment_size
from chuxin.core.models import TimeStampedModel
from chuxin.core.validators import no_formula_prefix

# A task whose due date is this many days away or fewer shows as "due soon".
DUE_SOON_DAYS = 7

# The areas an organization starts with; it may add, rename and reorder its own.
DEFAULT_AREAS = ("政治建设", "思想建设", "组织建设", "作风建设", "纪律建设", "制度建设")


class PlanArea(TimeStampedModel):
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.CASCADE, related_name="plan_areas"
    )
    name = models.CharField(_("name"), max_length=50, validators=[no_formula_prefix])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["organization_id", "order", "id"]
        verbose_name = _("plan area")
        verbose_name_plural = _("plan areas")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="plan_area_unique_name_per_org"),
        ]

    def __str__(self) -> str:
        return self.name


class Plan(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_formula_prefix])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_plans",
        help_text=_("The person who confirms that tasks are complete."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-year", "organization__path"]
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="plan_unique_per_org_year"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PlanItem(TimeStampedModel):
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items")
    area = models.ForeignKey(PlanArea, verbose_name=_("area"), on_delete=models.PROTECT, related_name="items")
    title = models.CharField(_("title"), max_length=200, validators=[no_formula_prefix])
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["plan_id", "area__order", "order", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self) -> str:
        return self.title


def people_shown(value) -> str:
    """A task's people as the audit log records them ("lead: A; responsible: B; cooperating: C, D", role codes
    and names) in the reader's language."""
    if not value:
        return nothing()
    roles = dict(TaskAssignment.Role.choices)
    parts = []
    for part in str(value).split("; "):
        role, _sep, names = part.partition(": ")
        names = pgettext("list separator", ", ").join(names.split(", "))
        parts.append(pgettext("a role and its people", "%(role)s: %(people)s") % {
            "role": roles.get(role, role), "people": names})
    return pgettext("list separator between roles", "; ").join(parts)


class Task(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        SUBMITTED = "submitted_for_confirmation", _("submitted for confirmation")
        DONE = "done", _("done")

    plan_item = models.ForeignKey(PlanItem, verbose_name=_("plan item"), on_delete=models.CASCADE,
                                  related_name="tasks")
    title = models.CharField(_("title"), max_length=200, validators=[no_formula_prefix])
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey(
        "orgs.Department", verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="plan_tasks",
    )
    start_on = models.DateField(_("start date"))
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.OPEN)
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # Optimistic locking: every write bumps it; a write based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    # What created the task, when another piece of work did (a directive from above made one of the recipient's
    # own tasks; later a meeting's resolution, an inspection's finding): its type and id, shown by its title and
    # link, which are open to those who may read the origin's organization. Generic, so this app names none of
    # the apps above it.
    origin_type = models.CharField(max_length=100, blank=True, editable=False)
    origin_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    origin_label = models.CharField(_("from"), max_length=200, blank=True, editable=False)
    origin_url = models.CharField(max_length=300, blank=True, editable=False)
    origin_organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    # How the audit log shows what plans.services records about a task beyond its fields ("reopened": older
    # entries' word for a reopened task).
    audit_fields = {
        "people": AuditField(_("people"), show=people_shown),
        "status": AuditField(values={"reopened": _("reopened")}),
    }

    class Meta:
        ordering = ["plan_item_id", "due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("start_on")), name="task_due_not_before_start"),
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="task_progress_0_100"),
        ]
        indexes = [
            models.Index(fields=["due_on", "status"], name="task_due_status"),
            models.Index(fields=["origin_type", "origin_id"], name="task_origin"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_on and self.due_on and self.due_on < self.start_on:
            raise ValidationError({"due_on": _("The due date is before the start date.")})

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    def overdue_on(self, today: datetime.date) -> bool:
        return not self.is_done and self.due_on < today

    def due_soon_on(self, today: datetime.date) -> bool:
        return not self.is_done and today <= self.due_on <= today + datetime.timedelta(days=DUE_SOON_DAYS)

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())

    @property
    def is_due_soon(self) -> bool:
        return self.due_soon_on(timezone.localdate())

    @property
    def state(self) -> str:
        """One word for the badge: done, to_confirm, overdue, due_soon, in_progress, open."""
        if self.is_done:
            return "done"
        if self.status == self.Status.SUBMITTED:
            return "to_confirm"
        if self.is_overdue:
            return "overdue"
        if self.is_due_soon:
            return "due_soon"
        return self.status

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


STATE_LABELS = {
    "done": _("done"),
    "to_confirm": _("awaiting confirmation"),
    "overdue": _("overdue"),
    "due_soon": _("due soon"),
    "in_progress": _("in progress"),
    "open": _("not started"),
}


class TaskAssignment(TimeStampedModel):
    """A person's part in a task. People are members (their member files), with or without a login: one with an
    account is told and sees the task on their workbench; for one without, the secretary of their organization is
    told to pass it on (plans.services), and records their progress for them."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead (亲自抓)")
        RESPONSIBLE = "responsible", _("responsible (具体抓)")
        COOPERATING = "cooperating", _("cooperating (配合抓)")

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(
        "members.Member", verbose_name=_("person"), on_delete=models.PROTECT, related_name="task_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["task_id", "role", "id"]
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")
        constraints = [
            models.UniqueConstraint(fields=["task", "member"], name="task_assignment_one_role_per_person"),
            models.UniqueConstraint(fields=["task"], condition=Q(role="lead"), name="task_assignment_one_lead"),
            models.UniqueConstraint(
                fields=["task"], condition=Q(role="responsible"), name="task_assignment_one_responsible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_role_display()}"


class Milestone(TimeStampedModel):
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200, validators=[no_formula_prefix])
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["task_id", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.TextField(_("note"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to="plans/progress/%Y/%m/", blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment_size],
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    audit_fields = {"status": AuditField(same_as="plans.Task.status")}  # the task's status after the update

    class Meta:
        ordering = ["task_id", "-created_at", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.task} · {self.progress}%"

    @property
    def attachment_name(self) -> str:
        """The attachment's file name as shown and downloaded (the stored name, without its folders)."""
        return os.path.basename(self.attachment.name) if self.attachment else ""
