import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.models import TimeStampedModel


class User(AbstractUser):
    phone = models.CharField(_("mobile phone"), max_length=20, null=True, blank=True, unique=True)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    must_change_password = models.BooleanField(_("must change password at next login"), default=True)
    # "Large text", set by the person in "me": every page of theirs is drawn with a larger root font size.
    large_text = models.BooleanField(_("large text"), default=False)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class LoginThrottle(models.Model):
    """Failed logins counted for one key: an (account, address) pair, or an address alone.

    Written only by chuxin.accounts.services (login_attempt and the worker's unlock). A pair's key names the
    account by id when the typed name or phone number belongs to one, otherwise by a digest of what was typed, so an
    unknown name is counted and delayed exactly like a real one. After too many failures the key is refused until
    `blocked_until`, a delay that doubles with every further failure; the account itself is never locked, so a
    stranger failing from another address does not keep its owner out.
    """

    key = models.CharField(max_length=100, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    failures = models.PositiveIntegerField(default=0)  # in the window that began at window_started_at
    window_started_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True, db_index=True)
    blocked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"

    def is_blocked(self, now: datetime.datetime | None = None) -> bool:
        return self.blocked_until is not None and self.blocked_until > (now or timezone.now())


class Role(models.TextChoices):
    """Roles granted on an organization; each reaches the organization's whole subtree."""

    WORKER = "worker", _("Party-affairs worker")
    SECRETARY = "secretary", _("secretary")
    COMMITTEE = "committee", _("committee member")
    VIEWER = "viewer", _("superior viewer")
    MEMBER = "member", _("member")


class RoleGrant(TimeStampedModel):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_grants")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["organization_id", "role"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="role_grant_unique"),
            models.CheckConstraint(condition=Q(role__in=[r.value for r in Role]), name="role_grant_valid_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
