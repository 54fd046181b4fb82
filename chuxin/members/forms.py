from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.forms import FastCheckboxInput, FastSelect, FastTextInput, IdempotentFormMixin
from chuxin.orgs import selectors as org_selectors
from chuxin.orgs.forms import DATE, OrgChoiceField, StyledMixin
from chuxin.orgs.models import Department, Organization

from . import citizen_id
from .models import Member
from .rules import AGE_BANDS, ETHNIC_GROUPS
from .services import clean_landline


class MemberForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    citizen_id = forms.CharField(label=_("Citizen ID number"), max_length=18, required=True)
    organization = OrgChoiceField(label=_("Party organization"), queryset=Organization.objects.none(),
                                  need=Need.MANAGE)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=[(e, e) for e in ETHNIC_GROUPS], initial="汉族")

    class Meta:
        model = Member
        fields = [
            "name", "gender", "ethnicity", "birth_date", "citizen_id", "phone", "education", "organization",
            "category", "joined_on", "full_member_on", "status", "work_unit", "department", "post",
            "landline", "home_address", "party_standing", "party_standing_on", "lost_contact", "lost_contact_on",
            "lost_contact_reason", "away", "away_destination", "away_organization",
        ]
        widgets = {"birth_date": DATE, "joined_on": DATE, "full_member_on": DATE, "party_standing_on": DATE,
                   "lost_contact_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = org_selectors.organization_choices(user, need=Need.MANAGE).order_by(
            "path"
        )
        units = org_selectors.work_unit_list(user)
        self.fields["work_unit"].queryset = units
        self.fields["department"].queryset = Department.objects.filter(work_unit__in=units.values("pk")).select_related(
            "work_unit"
        )
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["landline"].widget.attrs.update({"inputmode": "tel"})
        self.fields["party_standing"].required = False  # empty: normal (正常)
        if self.instance.pk:
            # The stored number is never put back into the page; leave it empty to keep it.
            self.fields["citizen_id"].required = False
            self.fields["citizen_id"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
                "masked": self.instance.citizen_id_masked
            }

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip().replace(" ", "").replace("-", "")
        if phone and not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
            raise ValidationError(_("A mobile phone number has 11 digits and starts with 1."))
        return phone

    def clean_party_standing(self):
        return self.cleaned_data["party_standing"] or Member.PartyStanding.NORMAL

    def clean_landline(self):
        return clean_landline(self.cleaned_data["landline"])

    def clean(self):
        data = super().clean()
        number = (data.get("citizen_id") or "").strip()
        if number:
            try:
                data["citizen_id"] = citizen_id.validate(
                    number, birth_date=data.get("birth_date"), gender=data.get("gender")
                )
            except ValidationError as error:
                self.add_error("citizen_id", error)
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "citizen_id"}


class OrgFilterField(OrgChoiceField):
    """Any organization the user may read, deactivated ones too (their former members are listed). A scope of
    more than SEARCH_SELECT_FEW organizations gets the search box (chuxin.core.forms.SearchSelect), so the list
    writes a few options instead of thousands; the chosen one comes from the form's validation, no query."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, need=Need.READ, inactive=True, **kwargs)


ALL_STATUSES = "all"


class MemberFilterForm(StyledMixin, forms.Form):
    # Written in one string each (FastTextInput, FastCheckboxInput), as the selects below are.
    q = forms.CharField(label=_("Name, pinyin initials or phone"), required=False, max_length=50,
                        widget=FastTextInput)
    # A Chinese term searches the names that begin with it (one character: the surname) unless this is ticked.
    contains = forms.BooleanField(label=_("Anywhere in the name"), required=False, widget=FastCheckboxInput)
    organization = OrgFilterField(label=_("Organization (with those under it)"), queryset=Organization.objects.none(),
                                  required=False)
    # The short lists in one pass each (FastSelect), not a template per option: ~3 ms of every list page.
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("All"))] + Member.Category.choices,
                                 required=False, widget=FastSelect)
    # The list shows the members on the roll (在册: active) unless told otherwise, as the home page counts them;
    # "all" is every status (MemberFilters.status "").
    status = forms.ChoiceField(label=_("Status"), choices=[(ALL_STATUSES, _("All"))] + Member.Status.choices,
                               required=False, widget=FastSelect)
    age_band = forms.ChoiceField(label=_("Age"), choices=[("", _("All"))] + [(k, label) for k, label, *_r in AGE_BANDS],
                                 required=False, widget=FastSelect)
    education = forms.ChoiceField(label=_("Education"), choices=[("", _("All"))] + Member.Education.choices,
                                  required=False, widget=FastSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            org_selectors.organization_list(user).only("id", "name", "depth", "path").order_by("path")
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CHUXIN_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
                % {"size": f"{upload.size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an Excel workbook saved as .xlsx (Excel 2007 or later)."))
        head = upload.read(4)
        upload.seek(0)
        if head != b"PK\x03\x04":
            raise ValidationError(_("This file is not a real .xlsx workbook. Open it in Excel and save it as .xlsx."))
        return upload


class MemberAccountChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} · {obj.organization.name}" + (f" · {obj.phone}" if obj.phone else "")


class BulkLoginsForm(IdempotentFormMixin, forms.Form):
    """Which members of an organization's subtree get a login: those without one are listed, all ticked. The
    field accepts any member on the roll there, so one who got an account meanwhile (another tab, a double click)
    is skipped by the service and named, not refused as an invalid choice."""

    members = MemberAccountChoiceField(label=_("Members without a login"), queryset=Member.objects.none(),
                                       widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                       error_messages={"required": _("Tick at least one member.")})

    def __init__(self, *args, queryset, offered, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = queryset
        self.fields["members"].widget.choices = [(m.pk, self.fields["members"].label_from_instance(m))
                                                 for m in offered]
        if not self.is_bound:
            self.initial["members"] = [m.pk for m in offered]
