from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.forms import DATE_MAX, DATE_MIN, FastSelect, IdempotentFormMixin
from chuxin.core.public_forms import PublicFormMixin
from chuxin.orgs.forms import OrgChoiceField, StyledMixin
from chuxin.orgs.models import Organization

from . import selectors
from .models import Activity, Wish


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__({"min": f"{DATE_MIN}T00:00", "max": f"{DATE_MAX}T23:59", **(attrs or {})},
                         format="%Y-%m-%dT%H:%M")


class ActivityEditForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "title", "place", "starts_at", "ends_at", "capacity", "description", "partners"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput(),
                   "description": forms.Textarea(attrs={"rows": 4}),
                   "partners": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})}
        help_texts = {"capacity": _("When the places are taken, further sign-ups go to the waiting list; a "
                                    "cancellation moves the first of them up."),
                      "partners": _("Partner units of the joint committee that organize it with you.")}

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["capacity"].widget.attrs.update({"min": 1, "max": 100000})
        self.fields["capacity"].validators += [MinValueValidator(1), MaxValueValidator(100000)]
        self.fields["partners"].queryset = selectors.partner_choices(organization)
        if not self.fields["partners"].queryset.exists():
            del self.fields["partners"]

    def _get_validation_exclusions(self):
        # The service checks the dates and the capacity against those already signed up, in its transaction.
        return {*super()._get_validation_exclusions(), "organization_path"}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The end must come after the start."))
        return cleaned


class ActivityForm(IdempotentFormMixin, ActivityEditForm):
    """A new activity: sent twice, it is made once."""


class ChooseOrganizationForm(StyledMixin, forms.Form):
    organization = OrgChoiceField(label=_("Organizer"), queryset=Organization.objects.none(), need=Need.MANAGE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = selectors.manageable_organizations(user)


class HoursForm(StyledMixin, forms.Form):
    hours = forms.DecimalField(label=_("Service hours"), min_value=Decimal(0), max_value=Decimal(24),
                               decimal_places=1, max_digits=4)
    note = forms.CharField(label=_("Why they change"), max_length=200,
                           help_text=_("For example: forgot to check out; left at noon."))


class CheckinForm(StyledMixin, forms.Form):
    code = forms.CharField(label=_("The six digits on the organizer's screen"), max_length=200,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


class ReviewForm(StyledMixin, forms.Form):
    reason = forms.CharField(label=_("Reason (when declining)"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("The person who made the wish reads it through their link."))


class FulfilForm(StyledMixin, forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("No photo is needed: say in a sentence or two what was done and when."))


class WishForm(PublicFormMixin, StyledMixin, forms.ModelForm):
    """The public form: no login. The name and contact reach only the organization and the member who takes
    the wish on; the public list shows the wish and the kind of person only."""

    organization = OrgChoiceField(label=_("Which Party organization"), queryset=Organization.objects.none(),
                                  empty_label=_("Choose…"), widget=FastSelect)  # public: no login to search with

    class Meta:
        model = Wish
        fields = ["organization", "text", "who", "wisher_name", "wisher_contact"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4, "maxlength": 500})}
        help_texts = {
            "text": _("A small, concrete wish: a visit to an elderly neighbour, a repair, help with a form."),
            "who": _("Shown with your wish instead of your name."),
            "wisher_contact": _("A phone number or another way; only the organization and the member who takes "
                                "your wish on see it."),
        }

    def __init__(self, *args, organization: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = selectors.public_organizations()
        if organization is not None:
            self.fields["organization"].initial = organization.pk
        self.fields["wisher_name"].widget.attrs["autocomplete"] = "name"
        self.fields["wisher_contact"].widget.attrs["autocomplete"] = "tel"

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "organization_path", "token_hash"}


class FeedbackForm(StyledMixin, forms.Form):
    rating = forms.TypedChoiceField(label=_("How satisfied are you?"), coerce=int,
                                    choices=[(5, _("5 · very satisfied")), (4, _("4 · satisfied")),
                                             (3, _("3 · acceptable")), (2, _("2 · not quite")),
                                             (1, _("1 · not satisfied"))],
                                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    text = forms.CharField(label=_("A few words (optional)"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
