from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.attachments import AttachmentsField
from chuxin.core.forms import IdempotentFormMixin
from chuxin.orgs import selectors as org_selectors
from chuxin.orgs.forms import DATE, OrgChoiceField, StyledMixin
from chuxin.orgs.models import Organization, Position

from .models import ReportRequirement

CHECKS = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


def sections_to_text(sections: list[dict]) -> str:
    return "\n".join(
        f"{s.get('title', '')} | {s['guidance']}" if s.get("guidance") else s.get("title", "") for s in sections or []
    )


def text_to_sections(text: str) -> list[dict]:
    sections = []
    for line in (text or "").splitlines():
        title, _sep, guidance = line.partition("|")
        if title.strip():
            sections.append({"title": title.strip(), "guidance": guidance.strip()})
    return sections


class RequirementForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    organization = OrgChoiceField(label=_("Reviewing organization"), queryset=Organization.objects.none(),
                                  need=Need.MANAGE)
    org_kinds = forms.MultipleChoiceField(
        label=_("Organization kinds that report"), choices=Organization.Kind.choices, required=False, widget=CHECKS,
        help_text=_("For reports by organizations: every active organization of these kinds under the reviewing "
                    "one reports; its secretary writes the report."),
    )
    position_kinds = forms.MultipleChoiceField(
        label=_("Posts that report"), choices=Position.Kind.choices, required=False, widget=CHECKS,
        help_text=_("For reports by post holders: everyone holding one of these posts under the reviewing "
                    "organization reports personally."),
    )
    sections_text = forms.CharField(
        label=_("Sections"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One section per line, in order; optional guidance after a vertical bar: "
                    "\"Problems found | what went wrong and why\"."),
    )

    class Meta:
        model = ReportRequirement
        fields = ["organization", "title", "frequency", "due_day", "starts_on", "audience", "org_kinds",
                  "position_kinds", "description", "is_active"]
        widgets = {"starts_on": DATE, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["audience"].initial = ReportRequirement.Audience.ORGANIZATIONS
            self.fields["frequency"].initial = ReportRequirement.Frequency.MONTHLY
            self.fields["org_kinds"].initial = list(Organization.BRANCH_KINDS)
        if self.instance.pk:
            del self.fields["organization"]
            self.fields["sections_text"].initial = sections_to_text(self.instance.sections)
        else:
            self.fields["organization"].queryset = org_selectors.organization_choices(
                user, need=Need.MANAGE).order_by("path")

    def clean_sections_text(self):
        sections = text_to_sections(self.cleaned_data["sections_text"])
        if not sections:
            raise ValidationError(_("Give the report at least one section."))
        return sections

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields if name != "organization"}  # not the token
        fields["sections"] = data["sections_text"]
        return fields


class ReviewForm(StyledMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning the report: say what should be changed."),
    )


class ReportFilesForm(forms.Form):
    """The files handed in with the report, sent with its sections (the sections are read from the POST by
    number, as the requirement defines them)."""

    attachments = AttachmentsField(label=_("Attachments"), help_text="")
