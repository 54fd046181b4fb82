"""Party dues: each member's base by kind from a month on, the monthly bills, payments, hardship reductions and
the branch's month closing. Amounts are Decimals to the fen, never strings, so every total reconciles."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuxin.core.models import TimeStampedModel
from chuxin.core.paths import PATH_MAX_LEN
from chuxin.core.validators import no_formula_prefix

from .rules import Kind

MONEY = {"max_digits": 12, "decimal_places": 2}


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class DuesBase(TimeStampedModel):
    """A member's dues base from `effective_month` on (the month the new pay is first received), until a later
    base takes effect. For farmers the base is the monthly amount the branch agreed (0.2-1 yuan)."""

    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="dues_bases")
    kind = models.CharField(_("kind of base"), max_length=20, choices=Kind.CHOICES)
    base = models.DecimalField(_("monthly base (yuan)"), validators=[MinValueValidator(Decimal("0"))], **MONEY)
    effective_month = models.DateField(_("takes effect from the month"))
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[no_formula_prefix])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["member_id", "-effective_month"]
        verbose_name = _("dues base")
        verbose_name_plural = _("dues bases")
        constraints = [
            models.UniqueConstraint(fields=["member", "effective_month"], name="dues_base_once_a_month"),
            models.CheckConstraint(condition=Q(base__gte=0), name="dues_base_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.effective_month:%Y-%m} {self.kind} {self.base}"


class DuesReduction(TimeStampedModel):
    """A hardship reduction or exemption (少交或免交): decided by the branch, approved by the next level up
    (Regulations on Party Dues, art. 7). Only an approved one changes the bills of its months."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("waiting for the next level's approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("not approved")

    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="dues_reductions")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, db_index=True)
    first_month = models.DateField(_("from the month"))
    last_month = models.DateField(_("to the month"))
    amount = models.DecimalField(_("monthly amount instead (0: exempt)"),
                                 validators=[MinValueValidator(Decimal("0"))], **MONEY)
    reason = models.CharField(_("reason"), max_length=300, validators=[no_formula_prefix])
    decided_on = models.DateField(_("branch decision of"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    class Meta:
        ordering = ["-first_month", "-pk"]
        verbose_name = _("dues reduction")
        verbose_name_plural = _("dues reductions")
        constraints = [
            models.CheckConstraint(condition=Q(last_month__gte=models.F("first_month")), name="dues_reduction_range"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="dues_reduction_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.first_month:%Y-%m}–{self.last_month:%Y-%m}"

    @property
    def is_exemption(self) -> bool:
        return self.amount == 0


class DuesBill(models.Model):
    """One member's dues for one month, computed once when the month is billed (by the daily housekeeping or on
    demand) from the base then in force and an approved reduction; `paid` is what the payments settled."""

    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="dues_bills")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="+", db_index=False)
    organization_path = models.CharField(max_length=PATH_MAX_LEN)
    month = models.DateField(_("month"))
    kind = models.CharField(_("kind of base"), max_length=20, choices=Kind.CHOICES)
    base = models.DecimalField(_("base"), **MONEY)
    due = models.DecimalField(_("due"), **MONEY)
    reduced = models.BooleanField(_("reduced or exempt"), default=False)
    paid = models.DecimalField(_("paid"), default=Decimal("0"), **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    # A good reason for not paying (illness, hardship being decided): the month does not count towards the
    # six months without reason.
    unpaid_reason = models.CharField(_("reason unpaid"), max_length=200, blank=True, validators=[no_formula_prefix])

    class Meta:
        ordering = ["month", "member_id"]
        verbose_name = _("dues bill")
        verbose_name_plural = _("dues bills")
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_bill_once_a_month"),
            models.CheckConstraint(condition=Q(due__gte=0) & Q(paid__gte=0), name="dues_bill_not_negative"),
        ]
        indexes = [
            # A branch's month (its dues page, the reconciliation): one range on the path and the month.
            models.Index(fields=["organization_path", "month"], name="dues_bill_org_month"),
            models.Index(fields=["organization", "month"], name="dues_bill_branch_month"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m}"

    @property
    def settled(self) -> bool:
        return self.paid >= self.due

    @property
    def outstanding(self) -> Decimal:
        return max(self.due - self.paid, Decimal("0"))


class DuesPayment(TimeStampedModel):
    """Money received from (or for) a member on a day: the months it settles (lines) and any voluntary extra."""

    class Method(models.TextChoices):
        CASH = "cash", _("cash")
        TRANSFER = "transfer", _("bank or mobile transfer")

    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="dues_payments")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="+")
    organization_path = models.CharField(max_length=PATH_MAX_LEN, db_index=True)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("how"), max_length=20, choices=Method.choices, default=Method.CASH)
    paid_by = models.CharField(_("paid by someone else (name)"), max_length=50, blank=True,
                               validators=[no_formula_prefix])
    months_total = models.DecimalField(_("for the months"), default=Decimal("0"), **MONEY)
    extra = models.DecimalField(_("voluntary extra"), default=Decimal("0"),
                                validators=[MinValueValidator(Decimal("0"))], **MONEY)
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[no_formula_prefix])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        constraints = [models.CheckConstraint(condition=Q(extra__gte=0) & Q(months_total__gte=0),
                                              name="dues_payment_not_negative")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.paid_on} {self.total}"

    @property
    def total(self) -> Decimal:
        return self.months_total + self.extra


class DuesPaymentLine(models.Model):
    payment = models.ForeignKey(DuesPayment, on_delete=models.CASCADE, related_name="lines")
    bill = models.ForeignKey(DuesBill, on_delete=models.PROTECT, related_name="lines")
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["bill__month"]
        constraints = [models.UniqueConstraint(fields=["payment", "bill"], name="dues_line_once")]

    def __str__(self) -> str:
        return f"{self.payment_id}:{self.bill_id}"


class DuesMonth(models.Model):
    """A branch's month closed (月结): its bills reconciled and no more money recorded as received in it."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="+")
    month = models.DateField(_("month"))
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    due = models.DecimalField(_("due"), **MONEY)
    collected = models.DecimalField(_("collected"), **MONEY)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("closed dues month")
        verbose_name_plural = _("closed dues months")
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="dues_month_once")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month:%Y-%m}"
