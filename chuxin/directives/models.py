"""Directives from above (上级交办): a superior organization's instruction to chosen subordinates.

One Directive has one DirectiveRecipient row per receiving organization; the row carries that organization's
progress (sent -> acknowledged -> in progress -> completed) and its answer, so the sender's matrix is one
query over the rows. DirectiveAction is the recipient's own short list of follow-up steps.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.audit.display import AuditField
from chuxin.core.attachments import Attachment
from chuxin.core.models import TimeStampedModel
from chuxin.core.validators import no_formula_prefix


class Directive(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        WITHDRAWN = "withdrawn", _("withdrawn")  # sent by mistake: taken back before anyone completed it

    sender = models.ForeignKey(
        "orgs.Organization", verbose_name=_("sending organization"), on_delete=models.PROTECT,
        related_name="directives_sent",
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_formula_prefix])
    # Plain text: shown escaped with its line breaks kept, never as HTML.
    body = models.TextField(_("content"))
    due_on = models.DateField(_("due date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)  # closed or withdrawn

    # How the audit log shows what directives.services records beyond the fields: how many organizations a
    # directive went to, how many were reminded.
    audit_fields = {
        "recipients": AuditField(_("recipients"), count=True),
        "reminded": AuditField(_("organizations reminded"), count=True),
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        indexes = [models.Index(fields=["sender", "-created_at"], name="directive_sender_recent")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.due_on < (today or timezone.localdate())


class DirectiveRecipient(TimeStampedModel):
    class State(models.TextChoices):
        SENT = "sent", _("sent")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")

    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.CASCADE, related_name="recipients"
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("receiving organization"), on_delete=models.PROTECT,
        related_name="directives_received",
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SENT)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("how it was done"), blank=True)
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("reminders"), default=0)

    class Meta:
        ordering = ["directive_id", "id"]
        verbose_name = _("directive recipient")
        verbose_name_plural = _("directive recipients")
        constraints = [
            models.UniqueConstraint(fields=["directive", "organization"], name="directive_recipient_unique"),
            models.CheckConstraint(
                condition=~Q(state="completed") | Q(completed_at__isnull=False),
                name="directive_recipient_completed_has_time",
            ),
        ]
        indexes = [
            # The inbox and workbench: an organization's open rows.
            models.Index(fields=["organization", "state"], name="directive_recipient_org_state"),
            # The matrix counts: a directive's rows by state.
            models.Index(fields=["directive", "state"], name="directive_recipient_state"),
        ]

    def __str__(self) -> str:
        return f"{self.directive} → {self.organization}"

    @property
    def is_completed(self) -> bool:
        return self.state == self.State.COMPLETED

    @property
    def is_acknowledged(self) -> bool:
        return self.state != self.State.SENT

    def is_behind(self, ack_due: datetime.date, today: datetime.date | None = None) -> bool:
        """Not completed, and past the due date or not acknowledged by `ack_due` (the sending day plus the
        working days the sender allows: selectors.ack_due_on; the same rule as selectors.behind_q)."""
        today = today or timezone.localdate()
        if self.is_completed:
            return False
        return self.directive.is_overdue(today) or (self.state == self.State.SENT and today > ack_due)

    @property
    def completed_on_time(self) -> bool | None:
        if self.completed_at is None:
            return None
        return timezone.localdate(self.completed_at) <= self.directive.due_on


class DirectiveAction(TimeStampedModel):
    """A follow-up step a recipient organization records for itself: what, who, by when, done when."""

    recipient = models.ForeignKey(
        DirectiveRecipient, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="actions"
    )
    text = models.CharField(_("action"), max_length=300)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible person"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    # Adding an action moves the recipient's row along; its entry records the row's state.
    audit_fields = {"state": AuditField(same_as="directives.DirectiveRecipient.state")}

    class Meta:
        ordering = ["recipient_id", "done_on", "due_on", "id"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self) -> str:
        return self.text


class DirectiveAttachment(Attachment):
    """A file attached to a directive: by its sender (the original notice, templates to fill in: no recipient), or
    by a receiving organization (its paperwork: a sign-in sheet, a ledger; with that recipient row, and with the
    follow-up action it belongs to, if any). Always optional. The sender's files are read by the sender and every
    recipient; a recipient's by that organization and the sender, never by a sibling."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.CASCADE, related_name="attachments"
    )
    recipient = models.ForeignKey(
        DirectiveRecipient, verbose_name=_("recipient"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="attachments",
    )
    action = models.ForeignKey(
        DirectiveAction, verbose_name=_("follow-up action"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="attachments",
    )

    @property
    def owner_organization(self):
        """Whose file it is: the receiving organization's for its paperwork, else the sender's."""
        return self.recipient.organization if self.recipient_id else self.directive.sender

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("directive attachment")
        verbose_name_plural = _("directive attachments")
        constraints = [
            models.CheckConstraint(condition=Q(action__isnull=True) | Q(recipient__isnull=False),
                                   name="directive_attachment_action_has_recipient"),
        ]
