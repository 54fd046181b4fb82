"""Periodic written reports (定期书面报告): what must be reported, the periods, and the reports themselves."""

from __future__ import annotations

import datetime
import functools

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, gettext_noop, pgettext
from django.utils.translation import gettext_lazy as _

from chuxin.audit.display import AuditField
from chuxin.core.attachments import Attachment
from chuxin.core.models import TimeStampedModel
from chuxin.core.validators import no_formula_prefix
from chuxin.orgs.models import Organization, Position


class ReportRequirement(TimeStampedModel):
    """A reviewer organization's standing order: who reports, how often, by when, in which sections."""

    class Audience(models.TextChoices):
        # The organization reports as a body; its secretary (MANAGE on it) writes the report.
        ORGANIZATIONS = "organizations", _("organizations")
        # Each holder of the chosen posts reports personally.
        POSTS = "posts", _("post holders")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        HALF_YEARLY = "half_yearly", _("half-yearly")
        YEARLY = "yearly", _("yearly")

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("reviewing organization"), on_delete=models.PROTECT,
        related_name="report_requirements",
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_formula_prefix])
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("who reports"), max_length=20, choices=Audience.choices)
    org_kinds = models.JSONField(_("organization kinds"), default=list, blank=True)
    position_kinds = models.JSONField(_("posts"), default=list, blank=True)
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices)
    due_day = models.PositiveSmallIntegerField(
        _("days to report after the period ends"), default=10, validators=[MaxValueValidator(90)]
    )
    # [{"title": "...", "guidance": "..."}], in order.
    sections = models.JSONField(_("sections"), default=list, blank=True)
    starts_on = models.DateField(
        _("first period"), default=datetime.date.today,
        help_text=_("Periods open from the one containing this date onward."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    # The kinds are stored as codes: the audit log shows their names.
    audit_fields = {
        "org_kinds": AuditField(values=dict(Organization.Kind.choices)),
        "position_kinds": AuditField(values=dict(Position.Kind.choices)),
    }

    class Meta:
        ordering = ["organization_id", "title"]
        verbose_name = _("report requirement")
        verbose_name_plural = _("report requirements")
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=["organizations", "posts"]), name="report_requirement_valid_audience"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReportPeriod(TimeStampedModel):
    requirement = models.ForeignKey(
        ReportRequirement, verbose_name=_("requirement"), on_delete=models.CASCADE, related_name="periods"
    )
    start = models.DateField(_("period start"))
    end = models.DateField(_("period end"))
    due_on = models.DateField(_("due on"))

    class Meta:
        ordering = ["requirement_id", "-start"]
        verbose_name = _("report period")
        verbose_name_plural = _("report periods")
        constraints = [
            models.UniqueConstraint(fields=["requirement", "start"], name="report_period_unique_start"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="report_period_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.requirement.title} {self.label}"

    @property
    def label(self) -> str:
        return period_label(self.requirement.frequency, self.start)

    def is_past_due(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.due_on


# Periods by name: 2026年第四季度 / Q4 2026, 2026年上半年 / H1 2026, 2026年11月 / November 2026, 2026年 / 2026.
QUARTERS = (gettext_noop("Q1 %(year)s"), gettext_noop("Q2 %(year)s"), gettext_noop("Q3 %(year)s"),
            gettext_noop("Q4 %(year)s"))
HALVES = (gettext_noop("H1 %(year)s"), gettext_noop("H2 %(year)s"))
YEAR = ("a yearly report period", "%(year)s")  # (context, msgid)


def period_message(frequency: str, start: datetime.date) -> dict:
    """The period's name, to be put into words where it is read: {"message": msgid, "params": {...}} (with a
    "context" for pgettext where the msgid needs one), or for a month {"date": "YYYY-MM-DD", "format":
    "YEAR_MONTH_FORMAT"}. A notification stores it as a parameter, so each
    reader sees it in their own language (chuxin/notifications/messages.py reads the same two shapes)."""
    F = ReportRequirement.Frequency
    if frequency == F.MONTHLY:
        return {"date": start.isoformat(), "format": "YEAR_MONTH_FORMAT"}
    if frequency == F.QUARTERLY:
        return {"message": QUARTERS[(start.month - 1) // 3], "params": {"year": start.year}}
    if frequency == F.HALF_YEARLY:
        return {"message": HALVES[0 if start.month <= 6 else 1], "params": {"year": start.year}}
    return {"context": YEAR[0], "message": YEAR[1], "params": {"year": start.year}}


def period_label(frequency: str, start: datetime.date) -> str:
    """The period's name in the active language."""
    return _period_label(frequency, start, get_language())


@functools.lru_cache(maxsize=4096)
def _period_label(frequency: str, start: datetime.date, _language: str | None) -> str:
    """Named once per language: a secretary's workbench names some sixty periods at each gathering, and a month's
    name through Django's date format cost ~15 µs each."""
    message = period_message(frequency, start)
    if "date" in message:
        return date_format(start, message["format"])
    if "context" in message:
        return pgettext(message["context"], message["message"]) % message["params"]
    return gettext(message["message"]) % message["params"]


class Report(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        ACCEPTED = "accepted", _("accepted")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    period = models.ForeignKey(ReportPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="reports")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("reporting organization"), on_delete=models.PROTECT, related_name="reports"
    )
    # The post holder who reports personally; empty when the organization reports as a body. Part of the key.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("post holder"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="held_reports",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="authored_reports",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    sections = models.JSONField(_("sections"), default=list, blank=True)  # [{"title", "html"}]
    facts = models.JSONField(_("facts"), default=dict, blank=True)  # the snapshot taken when the draft started
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="reviewed_reports",
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["period_id", "organization_id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            # One report per period and reporter, whatever races or double submits happen.
            models.UniqueConstraint(
                fields=["period", "organization"], condition=Q(holder__isnull=True),
                name="report_one_per_organization",
            ),
            models.UniqueConstraint(
                fields=["period", "organization", "holder"], condition=Q(holder__isnull=False),
                name="report_one_per_holder",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "returned", "accepted"]), name="report_valid_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.organization}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_late(self) -> bool:
        """Submitted (first) after the due day."""
        first = self.first_submitted_at
        return first is not None and timezone.localdate(first) > self.period.due_on


class ReportAttachment(Attachment):
    """A file handed in with a report (a ledger, a table of figures, photos of a meeting's sign-in sheet): optional,
    read by whoever may read the report, added and removed by its writers while the report is editable."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="attachments")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
