"""Organizational life (组织生活): 三会一课, themed Party days, the yearly life meeting, recorded once.

A Meeting belongs to one organization (a branch, a Party group, a committee) and counts for one period of its
kind's frequency (`period`: "2026-03", "2026-Q1", "2026-H1" or "2026"), the one it was held in or, for a make-up
meeting, the missed one it makes up; the compliance matrix is then one aggregate over meetings by organization path
prefix, kind and period (selectors.compliance). `organization_path` is copied from the organization when the
meeting is made, as work records do, so a subtree is a range on one indexed column.

Attendance rows are the expected attendees, a snapshot taken when the meeting is convened (services.meeting_convene),
with the lawful exceptions recorded as states (exempt, attending elsewhere) rather than counted absent; observers
(列席) are added beside them and are never counted in a quorum. Resolutions keep their vote counts and whether they
are valid (the meeting's quorum) and passed. Minutes are sanitized rich text; once the secretary finalizes the
record it is read-only, and each amendment keeps the text it replaces (MinutesRevision, append-only).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chuxin.audit.display import AuditField
from chuxin.core.attachments import Attachment
from chuxin.core.models import TimeStampedModel
from chuxin.core.paths import PATH_MAX_LEN
from chuxin.core.validators import no_formula_prefix

from . import periods


class Kind(models.TextChoices):
    GENERAL = "general", _("branch general meeting")
    COMMITTEE = "committee", _("branch committee meeting")
    GROUP = "group", _("Party group meeting")
    LECTURE = "lecture", _("Party lecture")
    THEMED_DAY = "themed_day", _("themed Party day")
    LIFE = "life", _("organizational life meeting")
    OTHER = "other", pgettext_lazy("meeting kind", "other")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    HALF_YEARLY = "half_yearly", _("half-yearly")
    YEARLY = "yearly", _("yearly")
    NONE = "none", _("not required")


class Meeting(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")  # drafted, attendees not told yet
        CONVENED = "convened", _("convened")  # attendees snapshotted and told
        FINALIZED = "finalized", _("record finalized")  # read-only; amendments keep the old text
        CANCELLED = "cancelled", _("cancelled")

    class Review(models.TextChoices):
        NONE = "", _("no review")
        PENDING = "pending", _("waiting for review")
        ACCEPTED = "accepted", _("accepted by the superior")
        RETURNED = "returned", _("returned by the superior")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="meetings"
    )
    organization_path = models.CharField(max_length=PATH_MAX_LEN, editable=False)
    title = models.CharField(_("title"), max_length=200, validators=[no_formula_prefix])
    # The agenda (议题), one topic a line: shown as a numbered list, listed in the report facts.
    topics = models.TextField(_("topics"), blank=True)
    planned_at = models.DateTimeField(_("planned for"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("held online"), default=False)
    host = models.ForeignKey(
        "members.Member", verbose_name=_("host"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorder = models.ForeignKey(
        "members.Member", verbose_name=_("recorder"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    lecturer = models.ForeignKey(
        "members.Member", verbose_name=_("lecturer"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    lecturer_name = models.CharField(_("lecturer (if not one of our members)"), max_length=50, blank=True)
    superior_attending = models.CharField(_("superior attending (列席/指导)"), max_length=200, blank=True)
    is_election = models.BooleanField(_("election"), default=False)
    study_hours = models.DecimalField(_("hours of study"), max_digits=4, decimal_places=1, default=0)
    # The period the meeting counts for, of its kind's frequency for the organization: "2026-03", "2026-Q1",
    # "2026-H1" or "2026"; a make-up meeting counts for the missed period it names.
    period = models.CharField(_("period"), max_length=10)
    is_makeup = models.BooleanField(_("make-up meeting"), default=False)
    number = models.PositiveSmallIntegerField(_("number in the period"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)  # sanitized HTML (chuxin.core.richtext)
    quorum_met = models.BooleanField(_("quorum met"), null=True, blank=True)  # None: no quorum for this kind
    quorum_note = models.CharField(_("quorum"), max_length=300, blank=True)
    checkin_open = models.BooleanField(_("self check-in open"), default=False)
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, default=Review.NONE, blank=True)
    review_comment = models.CharField(_("review comment"), max_length=500, blank=True)
    # A committee's themed Party day planned for all its branches at once: each branch's meeting carries the
    # committee and one batch key, so the committee sees them together.
    planned_by = models.ForeignKey(
        "orgs.Organization", verbose_name=_("planned by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    batch = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    convened_at = models.DateTimeField(_("convened at"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("finalized by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    # How the audit log shows what meetings.services records beyond the fields.
    audit_fields = {
        "period": AuditField(show=periods.shown),
        "attendees": AuditField(_("expected attendees"), count=True),
        "attendance": AuditField(_("attendance marked"), count=True),
        "observer": AuditField(_("observer (列席)")),
        "criticism": AuditField(_("criticism and self-criticism")),
        "preparation": AuditField(_("life meeting preparation")),
        "revision": AuditField(_("amendment")),
    }

    class Meta:
        ordering = ["-planned_at", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            # The compliance matrix: a subtree's finalized meetings of a year's periods, grouped by path prefix, kind
            # and period, counting organizations: answered from the index alone (selectors.compliance).
            models.Index(fields=["status", "kind", "period", "organization_path", "organization", "is_makeup"],
                         name="meeting_compliance"),
            models.Index(fields=["organization", "-planned_at"], name="meeting_org_recent"),
            models.Index(fields=["batch"], name="meeting_batch"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(study_hours__gte=0) & Q(study_hours__lte=24),
                                   name="meeting_study_hours_bounds"),
            models.CheckConstraint(condition=~Q(status="finalized") | Q(held_on__isnull=False),
                                   name="meeting_finalized_was_held"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def is_finalized(self) -> bool:
        return self.status == self.Status.FINALIZED

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.CONVENED)

    @property
    def topic_list(self) -> list[str]:
        return [line.strip() for line in self.topics.splitlines() if line.strip()]

    @property
    def lecturer_display(self) -> str:
        return self.lecturer.name if self.lecturer_id else self.lecturer_name

    def minutes_due(self, now: datetime.datetime | None = None) -> bool:
        """Convened, its time passed, and the record not yet finalized: the minutes are to be filed."""
        return self.status == self.Status.CONVENED and self.planned_at <= (now or timezone.now())


class Attendance(TimeStampedModel):
    """One person at one meeting: an expected attendee of the snapshot, or an observer added beside them."""

    class State(models.TextChoices):
        EXPECTED = "expected", _("not yet marked")
        PRESENT = "present", _("present")
        LATE = "late", _("late")
        LEAVE = "leave", _("on leave")
        ABSENT = "absent", _("absent")
        OBSERVER = "observer", _("observer (列席)")
        EXEMPT = "exempt", _("exempt (elderly or infirm)")
        ELSEWHERE = "elsewhere", _("attended elsewhere")

    ATTENDED = (State.PRESENT, State.LATE)
    EXCUSED = (State.EXEMPT, State.ELSEWHERE)  # the lawful exceptions: recorded, not counted absent

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="attendances")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="meeting_attendances")
    state = models.CharField(_("attendance"), max_length=12, choices=State.choices, default=State.EXPECTED)
    # Taken with the snapshot: a full member votes, a probationary member does not; a committee member counts
    # towards a committee meeting's quorum; expected is False for observers.
    expected = models.BooleanField(_("expected"), default=True)
    voting = models.BooleanField(_("voting rights"), default=False)
    on_committee = models.BooleanField(_("committee member"), default=False)
    dual = models.BooleanField(_("dual organizational life"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        ordering = ["meeting_id", "-on_committee", "member__name_pinyin", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_meeting"),
            models.CheckConstraint(condition=Q(expected=True) | Q(state="observer"),
                                   name="attendance_unexpected_is_observer"),
        ]
        indexes = [models.Index(fields=["member", "state"], name="attendance_member_state")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.member_id}:{self.state}"

    @property
    def attended(self) -> bool:
        return self.state in self.ATTENDED


class LeaveRequest(TimeStampedModel):
    """A member asks to be excused from one meeting; the host or the secretary approves or refuses it."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    attendance = models.OneToOneField(Attendance, verbose_name=_("attendance"), on_delete=models.CASCADE,
                                      related_name="leave_request")
    reason = models.CharField(_("reason"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        indexes = [models.Index(fields=["state"], name="leave_request_state")]

    def __str__(self) -> str:
        return self.reason


class Resolution(TimeStampedModel):
    """A decision put to the vote (决议), with the counts; valid only when the meeting had its quorum."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="resolutions")
    text = models.CharField(_("resolution"), max_length=500, validators=[no_formula_prefix])
    votes_for = models.PositiveSmallIntegerField(_("for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("abstaining"), default=0)
    voters_expected = models.PositiveSmallIntegerField(_("full members with voting rights expected"), default=0)
    valid = models.BooleanField(_("valid"), default=True)
    passed = models.BooleanField(_("passed"), default=False)
    note = models.CharField(_("why"), max_length=300, blank=True)

    audit_fields = {"votes": AuditField(_("votes for, against, abstaining"))}

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")

    def __str__(self) -> str:
        return self.text


class MinutesRevision(models.Model):
    """The text an amendment replaced, with who amended it, when and why: append-only (never updated)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revision"))
    previous_minutes = models.TextField(_("previous minutes"))
    reason = models.CharField(_("reason for the amendment"), max_length=300)
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("amended by"),
                                   on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    amended_at = models.DateTimeField(_("amended at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "number"]
        verbose_name = _("minutes revision")
        verbose_name_plural = _("minutes revisions")
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="minutes_revision_number")]

    def __str__(self) -> str:
        return f"{self.meeting_id}#{self.number}"


class PeriodExemption(TimeStampedModel):
    """A period in which an organization need not hold a kind of meeting, with the reason (a branch formed last
    week, a unit closed for the holiday): compliance shows it exempt, not missing."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="meeting_exemptions")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    period = models.CharField(_("period"), max_length=10)
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    audit_fields = {"period": AuditField(show=periods.shown)}

    class Meta:
        ordering = ["organization_id", "period", "kind"]
        verbose_name = _("exempt period")
        verbose_name_plural = _("exempt periods")
        constraints = [models.UniqueConstraint(fields=["organization", "kind", "period"],
                                               name="meeting_exemption_once")]
        indexes = [models.Index(fields=["period", "organization_path"], name="meeting_exemption_path")]

    def __str__(self) -> str:  # the audit log's name for it: in words, never codes
        return f"{self.get_kind_display()} {periods.shown(self.period)}"


class Arrangement(TimeStampedModel):
    """A standing lawful exception for one member, read when a meeting's attendees are snapshotted:
    elderly or infirm (not required to attend, 条例 2019 第二十三条), away and attending where they are (流动党员),
    or a leader taking part in a second organization's life (双重组织生活: expected there too)."""

    class Kind(models.TextChoices):
        EXEMPT = "exempt", _("elderly or infirm: not required to attend")
        ELSEWHERE = "elsewhere", _("away: takes part in organizational life where they are")
        DUAL = "dual", _("leader: also takes part in this organization's life")

    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="meeting_arrangements")
    kind = models.CharField(_("arrangement"), max_length=10, choices=Kind.choices)
    # Where the arrangement holds: the member's own organization, or for dual life the second organization.
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"),
                                     on_delete=models.CASCADE, related_name="meeting_arrangements")
    note = models.CharField(_("note"), max_length=200, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["organization_id", "kind", "id"]
        verbose_name = _("attendance arrangement")
        verbose_name_plural = _("attendance arrangements")
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                                   name="arrangement_end_after_start"),
        ]

    def __str__(self) -> str:  # the audit log's name for it
        return f"{self.member.name}：{self.get_kind_display()}"


class MeetingAttachment(Attachment):
    """A file attached to a meeting's record (a sign-in sheet, the material studied): always optional, never
    proof. Added and removed while the record is not finalized; read-only with the minutes afterwards."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="attachments")

    class Meta:
        ordering = ["meeting_id", "created_at", "id"]
        verbose_name = _("meeting attachment")
        verbose_name_plural = _("meeting attachments")


# ---------------------------------------------------------------------------------------------------------------
# The yearly organizational life meeting (组织生活会): preparation, criticism and self-criticism, rectification


class LifePreparation(TimeStampedModel):
    """The life meeting's checklist before it is held: study done, opinions gathered (talks held are counted
    from the talk records, never typed)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="preparation")
    study_done_on = models.DateField(_("study done on"), null=True, blank=True)
    study_note = models.CharField(_("what was studied"), max_length=300, blank=True)
    opinions_done_on = models.DateField(_("opinions gathered on"), null=True, blank=True)
    opinions_note = models.CharField(_("how opinions were gathered"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("life meeting preparation")
        verbose_name_plural = _("life meeting preparations")

    def __str__(self) -> str:
        return str(self.meeting_id)


class Criticism(TimeStampedModel):
    """One member's criticism and self-criticism at a life meeting (批评与自我批评)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="criticisms")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="+")
    self_criticism = models.TextField(_("self-criticism"), max_length=4000)
    criticism_received = models.TextField(_("criticism received"), max_length=4000, blank=True)

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("criticism and self-criticism")
        verbose_name_plural = _("criticisms and self-criticisms")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="criticism_once_per_member")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.member_id}"


class Rectification(TimeStampedModel):
    """A rectification measure decided at the life meeting; it becomes a task of the annual plan (chuxin.plans)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rectifications")
    text = models.CharField(_("rectification measure"), max_length=300, validators=[no_formula_prefix])
    due_on = models.DateField(_("due date"))
    task_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)  # plans.Task, once made
    task_url = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["meeting_id", "due_on", "id"]
        verbose_name = _("rectification measure")
        verbose_name_plural = _("rectification measures")

    def __str__(self) -> str:
        return self.text
