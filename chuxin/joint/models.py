"""The joint committee (大党委制) of a host organization and its partner units (chuxin.orgs PartnerUnit):

- seats: the people who sit on it (the host's own committee members and the partner units' part-time members), each
  with a login, one vote each;
- deliberation: proposals, comments, votes, the decision (and the plan tasks it asks for);
- joint services: requests from staff or residents (a public form, no login), routed to a partner unit, answered,
  rated through a private link;
- resource sharing: rooms, venues and equipment of the partner units, booked by the others; two approved bookings
  of one resource never overlap (an exclusion constraint on PostgreSQL, migration 0002; a serialized check in the
  service everywhere).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.models import TimeStampedModel


class Seat(TimeStampedModel):
    host = models.ForeignKey("orgs.Organization", verbose_name=_("joint committee of"), on_delete=models.CASCADE,
                             related_name="joint_seats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
                             related_name="joint_seats")
    partner_unit = models.ForeignKey("orgs.PartnerUnit", verbose_name=_("partner unit"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="joint_seats",
                                     help_text=_("Empty for the host organization's own committee members."))
    name = models.CharField(_("name"), max_length=50)
    is_active = models.BooleanField(_("sits on the committee"), default=True)

    class Meta:
        ordering = ["partner_unit_id", "name"]
        verbose_name = _("joint committee member")
        verbose_name_plural = _("joint committee members")
        constraints = [models.UniqueConstraint(fields=["host", "user"], name="joint_seat_once")]

    def __str__(self) -> str:
        return self.name


class Proposal(TimeStampedModel):
    class Status(models.TextChoices):
        DISCUSSION = "discussion", _("under discussion")
        VOTING = "voting", _("voting")
        DECIDED = "decided", _("decided")

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("adopted")
        REJECTED = "rejected", _("rejected")
        NO_QUORUM = "no_quorum", _("no quorum")

    host = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="joint_proposals")
    host_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("title"), max_length=150)
    background = models.TextField(_("background"))  # sanitized HTML
    asks_for_work = models.BooleanField(_("asks for work to be done"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DISCUSSION)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    seats_at_close = models.PositiveIntegerField(default=0)
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)
    abstain = models.PositiveIntegerField(default=0)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("joint:proposal", kwargs={"pk": self.pk})


class Comment(TimeStampedModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author_name = models.CharField(max_length=50)
    text = models.TextField(_("comment"), max_length=2000)

    class Meta:
        ordering = ["created_at", "pk"]


class Vote(TimeStampedModel):
    class Choice(models.TextChoices):
        YES = "yes", _("in favour")
        NO = "no", _("against")
        ABSTAIN = "abstain", _("abstain")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="votes")
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "seat"], name="joint_vote_once_per_seat")]


def _token() -> str:
    return secrets.token_urlsafe(24)


class ServiceRequest(TimeStampedModel):
    class Status(models.TextChoices):
        NEW = "new", _("new")
        ROUTED = "routed", _("with a partner unit")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("rated")

    host = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="joint_requests")
    host_path = models.CharField(max_length=255, db_index=True)
    # The requester: kept for the handler only, never shown publicly.
    name = models.CharField(_("your name"), max_length=50)
    contact = models.CharField(_("phone or e-mail"), max_length=100)
    subject = models.CharField(_("subject"), max_length=100)
    text = models.TextField(_("what you need"), max_length=3000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    partner_unit = models.ForeignKey("orgs.PartnerUnit", verbose_name=_("handled by"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="joint_requests")
    due_on = models.DateField(_("answer by"), null=True, blank=True)
    routed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reply = models.TextField(_("reply"), blank=True, max_length=3000)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    replied_at = models.DateTimeField(null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    feedback = models.TextField(_("your comment"), blank=True, max_length=1000)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("joint-service request")
        verbose_name_plural = _("joint-service requests")
        constraints = [models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                              name="joint_request_rating_1_to_5")]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("joint:request", kwargs={"pk": self.pk})

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.ROUTED and self.due_on is not None and self.due_on < timezone.localdate()


class Resource(TimeStampedModel):
    class Kind(models.TextChoices):
        ROOM = "room", _("room")
        VENUE = "venue", _("venue")
        EQUIPMENT = "equipment", _("equipment")

    host = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="joint_resources")
    host_path = models.CharField(max_length=255, db_index=True)
    owner = models.ForeignKey("orgs.PartnerUnit", verbose_name=_("offered by"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="joint_resources",
                              help_text=_("Empty: the host organization's own."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ROOM)
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveIntegerField(_("capacity (people)"), default=0)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    opening_days = models.CharField(_("opening days"), max_length=100, blank=True,
                                    help_text=_("e.g. Monday to Friday"))
    description = models.TextField(_("description"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("shared resource")
        verbose_name_plural = _("shared resources")
        constraints = [models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")),
                                              name="joint_resource_closes_after_opening")]

    def __str__(self) -> str:
        return self.name


class Booking(TimeStampedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        CANCELLED = "cancelled", _("cancelled")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="bookings")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    unit = models.ForeignKey("orgs.PartnerUnit", verbose_name=_("for"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="joint_bookings")
    purpose = models.CharField(_("purpose"), max_length=200)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [models.Index(fields=["resource", "status", "starts_at"], name="joint_booking_slot")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                              name="joint_booking_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.resource} {self.starts_at:%Y-%m-%d %H:%M}"
