from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import DateField, IdempotentFormMixin, RichTextarea
from chuxin.core.public_forms import PublicFormMixin
from chuxin.orgs.forms import StyledMixin

from .models import Proposal, Resource, ServiceRequest, Vote


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class ProposalForm(StyledMixin, IdempotentFormMixin, forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["title", "background", "asks_for_work"]
        widgets = {"background": RichTextarea()}


class CommentForm(StyledMixin, IdempotentFormMixin, forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=Vote.Choice.choices, widget=forms.RadioSelect)


class CloseForm(StyledMixin, forms.Form):
    decision = forms.CharField(label=_("The decision as recorded"), max_length=3000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(StyledMixin, IdempotentFormMixin, forms.Form):
    plan_item = forms.ModelChoiceField(label=_("Plan item"), queryset=None)
    title = forms.CharField(label=_("Task"), max_length=200)
    start_on = DateField(label=_("Start"))
    due_on = DateField(label=_("Due"))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].queryset = items


class PublicRequestForm(PublicFormMixin, StyledMixin, forms.ModelForm):
    class Meta:
        model = ServiceRequest
        fields = ["name", "contact", "subject", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}


class RouteForm(StyledMixin, forms.Form):
    partner_unit = forms.ModelChoiceField(label=_("Partner unit"), queryset=None)
    due_on = DateField(label=_("Answer by"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_unit"].queryset = units


class ReplyForm(StyledMixin, forms.Form):
    reply = forms.CharField(label=_("Reply"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))


class RatingForm(PublicFormMixin, StyledMixin, forms.Form):
    rating = forms.TypedChoiceField(label=_("How well was your request handled?"), coerce=int,
                                    choices=[(n, str(n)) for n in range(5, 0, -1)], widget=forms.RadioSelect)
    feedback = forms.CharField(label=_("Your comment"), max_length=1000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))


class ResourceForm(StyledMixin, IdempotentFormMixin, forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["owner", "kind", "name", "capacity", "opens_at", "closes_at", "opening_days", "description",
                  "is_active"]
        widgets = {"opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = units


class BookingForm(StyledMixin, IdempotentFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("For partner unit"), queryset=None, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    starts_at = forms.DateTimeField(label=_("From"), widget=DateTimeInput(), input_formats=FORMATS)
    ends_at = forms.DateTimeField(label=_("Until"), widget=DateTimeInput(), input_formats=FORMATS)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SeatForm(StyledMixin, forms.Form):
    username = forms.CharField(label=_("Account (user name)"), max_length=150)
    name = forms.CharField(label=_("Name"), max_length=50)
    partner_unit = forms.ModelChoiceField(label=_("Partner unit"), queryset=None, required=False,
                                          help_text=_("Empty for the host organization's own committee members."))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_unit"].queryset = units

    def clean_username(self):
        user = get_user_model().objects.filter(username=self.cleaned_data["username"], is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this user name."))
        return user
