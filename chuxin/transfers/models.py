"""Membership transfers (组织关系转接).

Within the tree: the sending side requests and approves, the receiving side accepts; the member file moves (with
its history: the same file, its records and attendances) only on acceptance, and until then the sending
organization keeps managing the member (条例 2019 第二十五条: 转出但尚未被接收的党员, 原所在党组织仍负管理责任).
Outside the tree: an introduction letter (介绍信) with a number (year + serial), validity in days and the month
dues are paid up to, printable, and its return slip (回执) recorded; a letter not returned in time is overdue.
Coming in from outside: the member is registered from their letter, which is accepted once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.models import TimeStampedModel
from chuxin.core.paths import PATH_MAX_LEN
from chuxin.core.validators import no_formula_prefix


class Transfer(TimeStampedModel):
    class Kind(models.TextChoices):
        WITHIN = "within", _("within the platform")
        OUT = "out", _("out of the platform (introduction letter)")
        IN = "in", _("into the platform (from a letter)")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved by the sending side")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("return slip received")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="transfers")
    # The sending organization (for a letter coming in: the receiving one, which registers it).
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("from"), on_delete=models.PROTECT,
                                     related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN)
    destination = models.ForeignKey("orgs.Organization", verbose_name=_("to"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    destination_path = models.CharField(max_length=PATH_MAX_LEN, blank=True)
    other_name = models.CharField(_("organization outside the platform"), max_length=100, blank=True,
                                  validators=[no_formula_prefix])
    reason = models.CharField(_("reason"), max_length=200, validators=[no_formula_prefix])
    requested_on = models.DateField(_("requested on"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    refusal = models.CharField(_("reason for refusing"), max_length=200, blank=True, validators=[no_formula_prefix])
    # The introduction letter (out) or the letter received (in).
    letter_number = models.CharField(_("letter number"), max_length=40, blank=True, validators=[no_formula_prefix])
    letter_on = models.DateField(_("letter date"), null=True, blank=True)
    valid_days = models.PositiveSmallIntegerField(_("valid for (days)"), null=True, blank=True)
    dues_paid_to = models.DateField(_("dues paid up to (month)"), null=True, blank=True)
    return_slip_on = models.DateField(_("return slip received on"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("membership transfer")
        verbose_name_plural = _("membership transfers")
        indexes = [
            models.Index(fields=["organization_path", "status"], name="transfer_from"),
            models.Index(fields=["destination_path", "status"], name="transfer_to"),
        ]
        constraints = [
            # Our own letters are numbered once (year + serial).
            models.UniqueConstraint(fields=["letter_number"], condition=Q(kind="out") & ~Q(letter_number=""),
                                    name="transfer_letter_once"),
            # A letter from outside is accepted once.
            models.UniqueConstraint(fields=["other_name", "letter_number"], condition=Q(kind="in"),
                                    name="transfer_incoming_once"),
            # One open transfer per member.
            models.UniqueConstraint(fields=["member"], condition=Q(status__in=["requested", "approved"]),
                                    name="transfer_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.destination or self.other_name}"

    @property
    def letter_expires(self) -> datetime.date | None:
        if self.kind != self.Kind.OUT or not self.letter_on or not self.valid_days:
            return None
        return self.letter_on + datetime.timedelta(days=self.valid_days)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """An introduction letter whose return slip has not come back within its validity."""
        expires = self.letter_expires
        return bool(expires and self.status == self.Status.APPROVED and not self.return_slip_on
                    and (today or timezone.localdate()) > expires)


class LetterSerial(models.Model):
    """The last serial number given to an introduction letter in a year; locked while a letter takes the next."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
