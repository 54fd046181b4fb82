from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import DateField, FastSelect
from chuxin.members import citizen_id
from chuxin.members.models import Member
from chuxin.orgs.forms import StyledMixin
from chuxin.orgs.models import Organization

from .models import Transfer


class OrgField(forms.ModelChoiceField):
    widget = FastSelect


class RequestForm(StyledMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Where to"), choices=[(Transfer.Kind.WITHIN, _("an organization on the platform")),
                                                           (Transfer.Kind.OUT, _("outside the platform (letter)"))],
                             widget=forms.RadioSelect)
    destination = OrgField(label=_("Receiving organization"), required=False, queryset=Organization.objects.none())
    other_name = forms.CharField(label=_("Receiving organization outside the platform"), max_length=100,
                                 required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].queryset = Organization.objects.filter(
            status=Organization.Status.ACTIVE, kind__in=Organization.BRANCH_KINDS).only("id", "name").order_by("path")
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class ApproveForm(StyledMixin, forms.Form):
    valid_days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=180, required=False)
    dues_paid_to = forms.DateField(label=_("Dues paid up to (month)"), required=False,
                                   input_formats=["%Y-%m", "%Y-%m-%d"],
                                   widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))


class ReasonForm(StyledMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class SlipForm(StyledMixin, forms.Form):
    on = DateField(label=_("Return slip received on"))


class IncomingForm(StyledMixin, forms.Form):
    """A member coming from outside the platform, from their introduction letter."""

    other_name = forms.CharField(label=_("Issued by"), max_length=100)
    letter_number = forms.CharField(label=_("Letter number"), max_length=40)
    letter_on = DateField(label=_("Letter date"))
    dues_paid_to = forms.DateField(label=_("Dues paid up to (month)"), required=False,
                                   input_formats=["%Y-%m", "%Y-%m-%d"],
                                   widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    name = forms.CharField(label=_("Name"), max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), choices=Member.Gender.choices)
    birth_date = DateField(label=_("Birth date"))
    citizen_id = forms.CharField(label=_("Citizen ID number"), max_length=18)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Member.Category.choices)
    joined_on = DateField(label=_("Date joined (political birthday)"))
    full_member_on = DateField(label=_("Date of full membership"), required=False)

    def clean(self):
        data = super().clean()
        number = (data.get("citizen_id") or "").strip()
        if number:
            try:
                data["citizen_id"] = citizen_id.validate(number, birth_date=data.get("birth_date"),
                                                         gender=data.get("gender"))
            except ValidationError as error:
                self.add_error("citizen_id", error)
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["citizen_id_number"] = data.pop("citizen_id")
        return data
