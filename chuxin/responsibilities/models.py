"""Responsibility lists (责任清单): the duties of each post, year by year, each one checkable.

A template (defined at a committee, applying to its whole subtree) lists the duties of one kind of post. When a
person takes a post, this year's list is made for them by copying the template's items; the committee as a body
gets its own list. Items are ticked off from work already recorded elsewhere (a task finished, a report filed:
`services.evidence_from_record`), matching the record's kind and, where the kind has one, its frequency, or by
hand with an optional note.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuxin.audit.display import AuditField
from chuxin.core import registry
from chuxin.core.models import TimeStampedModel


class PostKind(models.TextChoices):
    COMMITTEE = "committee", _("primary responsibility (the committee)")
    SECRETARY = "secretary", _("first responsibility (the secretary)")
    DISCIPLINE = "discipline", _("supervisory responsibility (discipline member)")
    LEADER = "leader", _("dual duty (committee members and leaders)")


class EvidenceKind(models.TextChoices):
    MANUAL = "manual", _("marked by hand")
    TASK_DONE = "task_done", _("a task completed")
    REPORT_FILED = "report_filed", _("a written report filed")
    REPORT_ACCEPTED = "report_accepted", _("a written report accepted")
    DIRECTIVE_DONE = "directive_done", _("a directive from above completed")
    # Recorded by chuxin.meetings when a meeting's record is finalized: any meeting, a Party lecture given by the
    # list's holder, the yearly organizational life meeting.
    MEETING_HELD = "meeting_held", _("a meeting held")
    LECTURE_GIVEN = "lecture_given", _("a Party lecture given")
    LIFE_MEETING_HELD = "life_meeting_held", _("the organizational life meeting held")
    EVALUATION_CONCLUDED = "evaluation.concluded", _("a member evaluation concluded")
    TALK_HELD = "talk.held", _("a heart-to-heart talk held")  # counted for the talker


class Frequency(models.TextChoices):
    """How often the work a duty asks for recurs, where its kind of record says (a report's requirement: the
    payload `frequency` of report_filed and report_accepted records, the codes of reports' own frequencies). A
    duty with one is ticked only by records of that frequency: a monthly report never ticks a yearly 述职 duty.
    Empty: any."""

    ANY = "", _("any")
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    HALF_YEARLY = "half_yearly", _("half-yearly")
    YEARLY = "yearly", _("yearly")


def kinds_with_frequency() -> set[str]:
    """The evidence kinds whose records carry a frequency (declared by the producing apps in the registry)."""
    return {code for code, kind in registry.record_kinds().items() if "frequency" in kind.payload}


def frequency_field() -> models.CharField:
    return models.CharField(
        _("report frequency"), max_length=20, choices=Frequency.choices, default=Frequency.ANY, blank=True,
        help_text=_("For duties completed by reports: only reports of this frequency count (a monthly report "
                    "never completes a yearly duty). Leave empty for any."),
    )


class ResponsibilityTemplate(TimeStampedModel):
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="responsibility_templates",
        help_text=_("The committee that defines this template; it applies to every organization under it."),
    )
    post_kind = models.CharField(_("post"), max_length=20, choices=PostKind.choices)
    title = models.CharField(_("title"), max_length=100)

    class Meta:
        ordering = ["organization_id", "post_kind"]
        verbose_name = _("responsibility template")
        verbose_name_plural = _("responsibility templates")
        constraints = [
            models.UniqueConstraint(fields=["organization", "post_kind"], name="resp_template_one_per_post"),
        ]

    def __str__(self) -> str:
        return self.title


class TemplateItem(TimeStampedModel):
    template = models.ForeignKey(
        ResponsibilityTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="items"
    )
    text = models.CharField(_("duty"), max_length=300)
    evidence_kind = models.CharField(
        _("completed by"), max_length=20, choices=EvidenceKind.choices, default=EvidenceKind.MANUAL
    )
    required_count = models.PositiveSmallIntegerField(
        _("times a year"), default=1, help_text=_("How many records complete this duty in a year.")
    )
    frequency = frequency_field()
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["template_id", "sort_order", "id"]
        verbose_name = _("template item")
        verbose_name_plural = _("template items")
        constraints = [
            models.CheckConstraint(condition=Q(required_count__gte=1), name="template_item_required_positive"),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.frequency and self.evidence_kind not in kinds_with_frequency():
            raise ValidationError({"frequency": _("Only duties completed by reports have a report frequency.")})


class ResponsibilityList(TimeStampedModel):
    template = models.ForeignKey(
        ResponsibilityTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="lists"
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.CASCADE,
        related_name="responsibility_lists",
    )
    # Copied from the template so the overview can filter without a join.
    post_kind = models.CharField(_("post"), max_length=20, choices=PostKind.choices)
    # The person holding the post: a member file, or a login account, or only a name (part-time members from
    # partner units). All empty for the committee's own list, which belongs to the organization.
    holder_member = models.ForeignKey(
        "members.Member", verbose_name=_("holder"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="responsibility_lists",
    )
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("holder account"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="responsibility_lists",
    )
    holder_name = models.CharField(_("holder name"), max_length=50, blank=True)
    # "m:<member id>", "u:<user id>", "n:<name>" or "" for the committee: one key so that one unique constraint
    # covers every kind of holder (NULLs never collide in a unique index).
    holder_key = models.CharField(max_length=80, editable=False, default="")
    position = models.ForeignKey(
        "orgs.Position", verbose_name=_("position"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="responsibility_lists",
    )
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        ordering = ["-year", "organization_id", "post_kind", "holder_name"]
        verbose_name = _("responsibility list")
        verbose_name_plural = _("responsibility lists")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "organization", "holder_key", "year"], name="resp_list_one_per_holder_year"
            ),
            models.UniqueConstraint(
                fields=["organization", "post_kind", "holder_key", "year"], name="resp_list_one_per_post_year"
            ),
        ]
        indexes = [models.Index(fields=["organization", "year", "post_kind"], name="resp_list_org_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.template.title} {self.holder_display}"

    @property
    def holder_display(self) -> str:
        if self.post_kind == PostKind.COMMITTEE:
            return str(_("the committee"))
        return self.holder_name

    def is_held_by(self, user) -> bool:
        if not user.is_authenticated:
            return False
        if self.holder_user_id and self.holder_user_id == user.pk:
            return True
        return bool(self.holder_member_id and self.holder_member.user_id == user.pk)


class ListItem(TimeStampedModel):
    list = models.ForeignKey(ResponsibilityList, verbose_name=_("list"), on_delete=models.CASCADE,
                             related_name="items")
    template_item = models.ForeignKey(
        TemplateItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="list_items"
    )
    # A copy of the template item as it was when the list was made: editing a template never rewrites a year
    # already under way.
    text = models.CharField(_("duty"), max_length=300)
    evidence_kind = models.CharField(_("completed by"), max_length=20, choices=EvidenceKind.choices)
    required_count = models.PositiveSmallIntegerField(_("times a year"), default=1)
    frequency = frequency_field()
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    done_count = models.PositiveSmallIntegerField(_("times done"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.CharField(_("note"), max_length=500, blank=True)
    # The record that completed the item ("plans.task", "42"), with its label and link kept for display.
    done_source_type = models.CharField(max_length=60, blank=True)
    done_source_id = models.CharField(max_length=40, blank=True)
    done_source_label = models.CharField(max_length=200, blank=True)
    done_source_url = models.CharField(max_length=300, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    # A duty marked done by hand, or the mark taken back: how the audit log shows it.
    audit_fields = {"done": AuditField(_("done"), values={"marked by hand": _("marked by hand")})}

    class Meta:
        ordering = ["list_id", "sort_order", "id"]
        verbose_name = _("list item")
        verbose_name_plural = _("list items")
        indexes = [models.Index(fields=["evidence_kind", "done_at"], name="resp_item_open_by_kind")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def by_hand(self) -> bool:
        return self.is_done and self.marked_by_id is not None


class EvidenceLink(models.Model):
    """One record counted towards one item: the guard that a record never counts twice."""

    item = models.ForeignKey(ListItem, on_delete=models.CASCADE, related_name="evidence")
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=40)
    on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "target_type", "target_id"], name="evidence_link_once"),
        ]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id}"
