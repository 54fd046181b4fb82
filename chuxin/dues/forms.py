"""The dues forms. Amounts are typed in yuan; the services check them again (any caller is safe)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import DateField, IdempotentFormMixin
from chuxin.orgs.forms import StyledMixin

from . import months as mo
from .models import DuesPayment
from .rules import Kind

MONEY = {"max_digits": 12, "decimal_places": 2}


class MonthField(forms.CharField):
    """A month typed as 2026-06 (the browser's month picker), cleaned to its first day. No "2026-06" placeholder:
    it is text a person reads, and a Chinese page does not show a month as a code (the picker shows the format)."""

    widget = forms.TextInput(attrs={"type": "month"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        month = mo.parse(value)
        if month is None:
            raise forms.ValidationError(_("Enter a month such as 2026-06."))
        return month


class BaseForm(StyledMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of base"), choices=Kind.CHOICES)
    base = forms.DecimalField(label=_("Monthly base (yuan)"), min_value=Decimal("0"), **MONEY,
                              help_text=_("After-tax regular monthly pay, or the pension; for a farmer the amount "
                                          "agreed (0.20-1.00); any figure for the 0.20 kinds."))
    effective_month = MonthField(label=_("Takes effect from the month"),
                                 help_text=_("The month the new pay is first received."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PaymentForm(IdempotentFormMixin, StyledMixin, forms.Form):
    months = forms.MultipleChoiceField(label=_("Months paid"), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    paid_on = DateField(label=_("Paid on"))
    method = forms.ChoiceField(label=_("How"), choices=DuesPayment.Method.choices)
    paid_by = forms.CharField(label=_("Paid by someone else (name)"), max_length=50, required=False,
                              help_text=_("Leave empty when the member paid in person."))
    extra = forms.DecimalField(label=_("Voluntary extra (yuan)"), min_value=Decimal("0"), required=False, **MONEY)
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("Required for a voluntary payment of 1,000 yuan or more."))

    def __init__(self, *args, month_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = month_choices
        if not self.is_bound:
            self.initial.setdefault("paid_on", timezone.localdate())

    def clean_months(self):
        return [mo.parse(v) for v in self.cleaned_data["months"]]


class ReductionForm(StyledMixin, forms.Form):
    first_month = MonthField(label=_("From the month"))
    last_month = MonthField(label=_("To the month"))
    amount = forms.DecimalField(label=_("Monthly amount instead (yuan; 0: exempt)"), min_value=Decimal("0"), **MONEY)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    decided_on = DateField(label=_("Branch decision of"))


class ReasonForm(StyledMixin, forms.Form):
    reason = forms.CharField(label=_("Reason unpaid"), max_length=200, required=False)
