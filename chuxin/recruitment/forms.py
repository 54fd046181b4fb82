from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chuxin.core.attachments import AttachmentsField
from chuxin.core.forms import DateField, IdempotentFormMixin
from chuxin.members import citizen_id
from chuxin.orgs.forms import StyledMixin

from .models import Applicant, StepRule


class ApplicantForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    """A person's application: who they are and the day the application was handed in."""

    citizen_id = forms.CharField(label=_("Citizen ID number"), max_length=18)

    class Meta:
        model = Applicant
        fields = ["name", "gender", "ethnicity", "birth_date", "phone", "education", "unit", "applied_on"]
        field_classes = {"birth_date": DateField, "applied_on": DateField}

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip().replace(" ", "").replace("-", "")
        if phone and not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
            raise ValidationError(_("A mobile phone number has 11 digits and starts with 1."))
        return phone

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
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class StepForm(StyledMixin, forms.Form):
    """One step: its date and what the step's kind records (people, a meeting, training, a notice)."""

    on = DateField(label=_("Date"))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           max_length=2000)
    files = AttachmentsField()

    def __init__(self, *args, rule: StepRule, people=None, meetings=None, notice: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        if rule.kind in (StepRule.Kind.CONTACTS, StepRule.Kind.SPONSORS):
            label = _("Sponsors (two full members)") if rule.kind == StepRule.Kind.SPONSORS else _(
                "Contacts (one or two full members)")
            self.fields["people"] = forms.ModelMultipleChoiceField(
                label=label, queryset=people, widget=forms.CheckboxSelectMultiple)
            self.fields["people"].label_from_instance = lambda m: (
                m.name if m.category == "full" else f"{m.name} ({m.get_category_display()})")
        if rule.kind in (StepRule.Kind.MEETING,):
            self.fields["meeting"] = forms.ModelChoiceField(
                label=_("Meeting (its record in organizational life)"), queryset=meetings, required=False)
        if rule.kind == StepRule.Kind.TRAINING:
            self.fields["training_days"] = forms.IntegerField(label=_("Training days"), min_value=0,
                                                              max_value=365, required=False)
            self.fields["training_hours"] = forms.IntegerField(label=_("Training hours"), min_value=0,
                                                               max_value=2000, required=False)
        if rule.notice and notice:
            self.fields["notice_from"] = DateField(label=_("Public notice began on"), required=False)
        if rule.extended_months:
            self.fields["extended_reason"] = forms.CharField(
                label=_("Special reason for the longer limit"), max_length=200, required=False,
                help_text=_("Needed only after the usual limit has passed."))
        for field in self.fields.values():  # the fields added after the mixin styled the declared ones
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["files"] = data.pop("files", [])
        return data


class StopForm(StyledMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class HolidayForm(StyledMixin, forms.Form):
    day = DateField(label=_("Date"))
    name = forms.CharField(label=_("Name"), max_length=50)
    is_workday = forms.BooleanField(label=_("A weekend day worked in exchange"), required=False)
