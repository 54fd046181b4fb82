from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .messages import render


class Notification(models.Model):
    """One message to one person about one object. Written by chuxin.notifications.services.notify only.

    The unique key (recipient, kind, target, dedup_key) is what makes notify idempotent: a reminder job that
    runs every hour, or twice by mistake, stores each reminder once."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("assigned to you")
        DUE_SOON = "due_soon", _("due soon")
        OVERDUE = "overdue", _("overdue")
        RETURNED = "returned", _("returned")
        REMINDED = "reminded", _("reminder")
        DIRECTIVE = "directive", _("directive")
        REPORT_DUE = "report_due", _("report due")
        ACCEPTED = "accepted", _("accepted")
        WITHDRAWN = "withdrawn", _("withdrawn")  # a directive withdrawn, a task deleted as made by mistake
        NOTICE = "notice", _("notice")  # a notice sent to you (chuxin.notices)
        MENTION = "mention", _("mentioned you")  # "@name" in a member group

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What the notification says, untranslated (a msgid) with its parameters, put into words in the language of
    # whoever reads it (chuxin/notifications/messages.py). `title` keeps it as written in the default language;
    # notifications stored before there was a message show their title as it was stored.
    message = models.CharField(_("message"), max_length=300, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)  # a local path where the user acts
    target_type = models.CharField(max_length=60, blank=True)  # app_label.model
    target_id = models.CharField(max_length=40, blank=True)
    dedup_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "target_type", "target_id", "dedup_key"],
                name="notification_once_per_key",
            ),
        ]
        indexes = [
            # The centre and the unread badge: my unread ones, newest first.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The notification in the active language (its stored title when it has no message)."""
        return render(self.message, self.params, fallback=self.title) if self.message else self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
