"""Activity days and volunteering (党员活动日, 志愿服务) and micro-wishes (微心愿).

An Activity belongs to the organization that organizes it (partner units of the joint committee system may
co-organize it) and is open to the members of that organization's subtree. Each person who signs up has one
Participant row: signed up while there is room, otherwise on the waiting list in the order they came; a
cancellation moves the first waiting person up (services.participant_withdraw). Check-in and check-out times give
the service hours, which the organizer may correct with a note; closing the activity writes one work record per
participant (chuxin.records), which the member file and the reports read.

A Wish is posted without login through a public form; the wisher's name and contact are kept for the
organization and the member who claims the wish, never shown on a public page. The wisher follows it through a
private link: only a hash of its token is stored, so the link cannot be read back from the database.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.audit.display import AuditField
from chuxin.core.models import TimeStampedModel
from chuxin.core.paths import PATH_MAX_LEN
from chuxin.core.validators import no_formula_prefix


class Activity(TimeStampedModel):
    class Kind(models.TextChoices):
        ACTIVITY_DAY = "activity_day", _("member activity day")
        VOLUNTEER = "volunteer", _("volunteer service")

    class Status(models.TextChoices):
        OPEN = "open", _("open")  # sign-up, check-in, hours
        CLOSED = "closed", _("closed, hours recorded")  # read-only; work records written
        CANCELLED = "cancelled", _("cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.VOLUNTEER)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organizer"), on_delete=models.PROTECT, related_name="activities"
    )
    # Copied from the organization: the activities of a subtree are a range on one indexed column.
    organization_path = models.CharField(max_length=PATH_MAX_LEN, editable=False)
    partners = models.ManyToManyField("orgs.PartnerUnit", verbose_name=_("co-organizing partner units"),
                                      blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=200, validators=[no_formula_prefix])
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    checkin_open = models.BooleanField(_("self check-in open"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    # How the audit log shows what activities.services records beyond the fields.
    audit_fields = {"hours": AuditField(_("service hours"))}

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["organization_path", "starts_at"], name="activity_subtree_start"),
                   models.Index(fields=["status", "ends_at"], name="activity_status_end")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()


class Participant(TimeStampedModel):
    """One member's place at one activity: signed up, waiting (in `queued_at` order) or withdrawn."""

    class State(models.TextChoices):
        SIGNED_UP = "signed_up", _("signed up")
        WAITING = "waiting", _("on the waiting list")
        WITHDRAWN = "withdrawn", _("withdrawn")

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE,
                                 related_name="participants")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="activity_places")
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    queued_at = models.DateTimeField(_("signed up at"))
    promoted_at = models.DateTimeField(_("moved up from the waiting list at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    hours = models.DecimalField(_("service hours"), max_digits=4, decimal_places=1, null=True, blank=True)
    hours_note = models.CharField(_("note on the hours"), max_length=200, blank=True)
    hours_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")

    audit_fields = {"note": AuditField(_("note on the hours"))}

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [models.Index(fields=["activity", "state", "queued_at"], name="participant_queue")]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="participant_once_per_activity"),
            models.CheckConstraint(condition=Q(checked_out_at__isnull=True) | Q(checked_in_at__isnull=False),
                                   name="participant_out_after_in"),
            models.CheckConstraint(condition=Q(hours__isnull=True) | (Q(hours__gte=0) & Q(hours__lte=24)),
                                   name="participant_hours_bounds"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.activity}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Wish(TimeStampedModel):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for review")
        PUBLISHED = "published", _("published, waiting for a member")
        DECLINED = "declined", _("declined")
        CLAIMED = "claimed", _("claimed by a member")
        FULFILLED = "fulfilled", _("fulfilled, waiting for feedback")
        CLOSED = "closed", _("closed with feedback")

    class Who(models.TextChoices):
        # How the public list names the wisher: a kind of person, never a name.
        RESIDENT = "resident", _("community resident")
        STAFF = "staff", _("staff member")
        ELDERLY = "elderly", _("elderly resident")
        STUDENT = "student", _("student")
        OTHER = "other", _("member of the public")

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="wishes")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, editable=False)
    wisher_name = models.CharField(_("your name"), max_length=50)
    wisher_contact = models.CharField(_("how to reach you"), max_length=100)
    who = models.CharField(_("you are"), max_length=12, choices=Who.choices, default=Who.RESIDENT)
    text = models.TextField(_("the wish"), max_length=500)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SUBMITTED)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    claimed_by = models.ForeignKey("members.Member", verbose_name=_("claimed by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="claimed_wishes")
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilment_note = models.TextField(_("what was done"), max_length=1000, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), max_length=500, blank=True)
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        indexes = [models.Index(fields=["organization_path", "state"], name="wish_subtree_state")]
        constraints = [
            models.CheckConstraint(condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                                   name="wish_rating_1_to_5"),
            models.CheckConstraint(condition=~Q(state__in=["claimed", "fulfilled", "closed"])
                                   | Q(claimed_by__isnull=False), name="wish_claimed_has_claimer"),
        ]

    def __str__(self) -> str:
        return self.short

    @property
    def short(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 30 else text[:30] + "…"

    def get_absolute_url(self) -> str:
        return reverse("activities:wish", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.state in (self.State.PUBLISHED, self.State.CLAIMED, self.State.FULFILLED, self.State.CLOSED)
