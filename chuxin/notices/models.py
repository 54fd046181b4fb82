"""Communication (通知与党员群): notices with read receipts, member groups, pushes to the group robots people use.

A Notice goes to people once; each recipient has one NoticeRecipient row that records the first open (read_at)
and, where the notice asks for it, the one-click "知道了" (confirmed_at). Nobody replies anywhere: the sender's read
matrix is an aggregate over these rows (selectors.read_matrix), and the unread are reminded once through the
notification centre.

A member Group is either an organization's own group (one per organization, Party groups included) or a custom
group. Who is in an organization's group is never stored: it is read from the access policy at access time (an
active member file or a role grant in the organization's subtree), so it cannot drift from the membership. A
custom group keeps its people in GroupMember. Messages are paged by id (newest first; older on demand), and each
reader's place is one GroupRead row (the last id seen), so an unread count is one indexed range count.

A Robot is an organization's connected group robot (WeCom, DingTalk, Feishu). What it is to say is queued as Push
rows (a DB-backed outbox) and delivered by chuxin.notices.delivery: at once after the commit, again by the daily
run and `manage.py send_pushes`, with retries and backoff, a burst merged into one digest.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chuxin.core.attachments import Attachment
from chuxin.core.crypto import EncryptedTextField
from chuxin.core.models import TimeStampedModel
from chuxin.core.paths import PATH_MAX_LEN
from chuxin.core.validators import no_formula_prefix


class Notice(TimeStampedModel):
    class Priority(models.TextChoices):
        NORMAL = "normal", pgettext_lazy("priority", "normal")
        IMPORTANT = "important", _("important")
        URGENT = "urgent", _("urgent")

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="notices")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, editable=False)
    title = models.CharField(_("title"), max_length=200, validators=[no_formula_prefix])
    body = models.TextField(_("text"), max_length=50_000)  # sanitized HTML (chuxin.core.richtext)
    priority = models.CharField(_("priority"), max_length=12, choices=Priority.choices, default=Priority.NORMAL)
    needs_confirmation = models.BooleanField(_("ask for a one-click confirmation"), default=False)
    confirm_by = models.DateField(_("confirm by"), null=True, blank=True)
    # The organizations it was sent to, for the page ("to 第一支部、第二支部"); chosen people leave it empty.
    to_organizations = models.ManyToManyField("orgs.Organization", blank=True, related_name="+")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+")
    reminded_at = models.DateTimeField(_("unread reminded"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["organization_path", "-created_at"], name="notice_subtree_recent")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notices:detail", args=[self.pk])


class NoticeAttachment(Attachment):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")

    class Meta:
        ordering = ["notice_id", "created_at", "id"]
        verbose_name = _("notice attachment")
        verbose_name_plural = _("notice attachments")


class NoticeRecipient(models.Model):
    """One person a notice went to: their first open and their confirmation (both optional, both once)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices_received")
    name = models.CharField(_("name"), max_length=100)  # as it was when sent: the matrix reads no other table
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["notice_id", "organization_id", "name", "id"]
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_recipient_once")]
        indexes = [
            models.Index(fields=["notice", "organization", "read_at"], name="notice_matrix"),
            models.Index(fields=["user", "read_at"], name="notice_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.name}"


# ---------------------------------------------------------------------------------------------------------------
# Member groups


class Group(TimeStampedModel):
    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("organization group")
        CUSTOM = "custom", _("custom group")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # An organization's group: its members are read from the access policy. A custom group: made within it.
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    name = models.CharField(_("name"), max_length=100, blank=True, validators=[no_formula_prefix])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "organization__path", "name", "id"]
        verbose_name = _("member group")
        verbose_name_plural = _("member groups")
        constraints = [
            # One group per organization, made on first use: two first visits at once find the same group.
            models.UniqueConstraint(fields=["organization"], condition=models.Q(kind="organization"),
                                    name="group_once_per_organization"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.name or self.organization.name

    def get_absolute_url(self) -> str:
        return reverse("notices:group", args=[self.pk])


class GroupMember(models.Model):
    """A person in a custom group (an organization's group keeps no such rows)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="group_member_once")]
        indexes = [models.Index(fields=["user", "group"], name="group_member_by_user")]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.user_id}"


class Message(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    author_name = models.CharField(max_length=100)
    text = models.TextField(_("message"), max_length=4000)  # plain text, escaped when shown
    reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("group message")
        verbose_name_plural = _("group messages")
        # A page is "the group's messages with id below (or above) a key", newest first: one index range.
        indexes = [models.Index(fields=["group", "id"], name="message_group_key")]

    def __str__(self) -> str:
        return self.text[:50]


class MessageAttachment(Attachment):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")

    class Meta:
        ordering = ["message_id", "id"]
        verbose_name = _("message attachment")
        verbose_name_plural = _("message attachments")


class GroupRead(models.Model):
    """Where a person has read a group up to: its unread count is the messages after `last_id`."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="group_read_once")]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.user_id}:{self.last_id}"


class QuietHours(models.Model):
    """A person's quiet hours: no notification from the groups reaches them between `start` and `end` (which may
    run past midnight: 22:00-07:00)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours")
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("quiet hours")
        verbose_name_plural = _("quiet hours")

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def covers(self, moment) -> bool:
        now = timezone.localtime(moment).time()
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end


# ---------------------------------------------------------------------------------------------------------------
# Group robots and their outbox


class Robot(TimeStampedModel):
    class Platform(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk custom robot")
        FEISHU = "feishu", _("Feishu custom bot")

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=100, validators=[no_formula_prefix])
    # The address carries WeCom's key and DingTalk's access token, so it is a secret too: both are encrypted at
    # rest (chuxin.core.crypto), read back only to send.
    webhook = EncryptedTextField(_("webhook address"), max_length=500, purpose="notices.robot",
                                 validators=[URLValidator(schemes=["https", "http"])])
    # The signing secret (DingTalk 加签, Feishu 签名校验); never shown again once saved.
    secret = EncryptedTextField(_("signing secret"), max_length=200, blank=True, purpose="notices.robot")
    enabled = models.BooleanField(_("enabled"), default=True)
    push_notices = models.BooleanField(_("push notices"), default=True)
    push_meetings = models.BooleanField(_("push convened meetings"), default=True)
    push_directives = models.BooleanField(_("push directives"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    # The platform's rate window: messages sent since `window_start` (a minute).
    window_start = models.DateTimeField(null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        ordering = ["organization__path", "name", "id"]
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("notices:robot", args=[self.pk])


class Push(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    robot = models.ForeignKey(Robot, on_delete=models.CASCADE, related_name="pushes")
    # What it is about ("notice:12", "meeting:3", "test:<uuid>"): a robot pushes each thing once.
    source = models.CharField(max_length=80)
    title = models.CharField(_("title"), max_length=200)
    text = models.CharField(_("text"), max_length=500, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    digest_size = models.PositiveSmallIntegerField(default=0)  # how many pushes its message carried
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("push")
        verbose_name_plural = _("pushes")
        constraints = [models.UniqueConstraint(fields=["robot", "source"], name="push_once_per_robot")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="push_due")]

    def __str__(self) -> str:
        return self.title
