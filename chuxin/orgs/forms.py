from urllib.parse import urlencode

from django import forms
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.forms import (
    BoundedDatesMixin,
    DateInput,
    IdempotentFormMixin,
    SearchModelChoiceMixin,
    SearchSelect,
    SearchSelectMultiple,
)
from chuxin.core.paths import subtree_q
from chuxin.members.models import Member

from . import selectors
from .models import Department, Organization, PartnerUnit, Position, WorkUnit

DATE = DateInput()


class StyledMixin(BoundedDatesMixin):
    """Bootstrap classes on every widget, so templates render fields in one loop; every date bounded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _search(need: Need, inactive: bool) -> dict:
    """The organization pickers' search: orgs:pick for the organizations in scope for `need`."""
    query = urlencode({"need": need.name.lower(), **({"inactive": "1"} if inactive else {})})
    return {
        "search_url": format_lazy("{}?{}", reverse_lazy("orgs:pick"), query),
        "search_label": _("Find an organization by name or code"), "placeholder": _("Type a few characters"),
    }


class OrgChoiceField(SearchModelChoiceMixin, forms.ModelChoiceField):
    """An organization of the queryset. Up to SEARCH_SELECT_FEW of them: a select of all, indented by level; more
    (a large unit has thousands): a search box asking orgs:pick for the organizations in scope for `need` and a
    select holding the current one (chuxin.core.forms.SearchSelect). Give `need` as the queryset's, and
    `inactive=True` when it holds deactivated organizations too, so the search offers what the field accepts."""

    def __init__(self, *args, need: Need = Need.READ, inactive: bool = False, **kwargs):
        kwargs.setdefault("widget", SearchSelect(**_search(need, inactive)))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Organization) -> str:
        return "\u3000" * max(0, obj.depth - 1) + obj.name


class OrgMultipleChoiceField(SearchModelChoiceMixin, forms.ModelMultipleChoiceField):
    """Several organizations of the queryset, searched like OrgChoiceField's when there are many."""

    def __init__(self, *args, need: Need = Need.READ, inactive: bool = False, attrs=None, **kwargs):
        kwargs.setdefault("widget", SearchSelectMultiple(attrs, **_search(need, inactive)))
        super().__init__(*args, **kwargs)

    label_from_instance = OrgChoiceField.label_from_instance


class OrganizationPickForm(forms.Form):
    """One organization to open a page for (a GET form sending ?organization=): every organization of `queryset`
    when there are few, else the search box and the current one. Pages that listed the first 200 and hid the rest
    use it through the {% org_pick %} tag (chuxin/orgs/templatetags/org_pick.py)."""

    def __init__(self, *args, queryset, need: Need, selected: Organization | None = None, inactive: bool = False,
                 attrs: dict | None = None, name: str = "organization", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[name] = OrgChoiceField(
            label=_("Organization"), queryset=queryset, empty_label=None if selected else "---------",
            widget=SearchSelect({"class": "form-select", **(attrs or {})}, **_search(need, inactive)),
        )
        if selected is not None:
            self.initial[name] = selected.pk


class OrganizationForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "code", "kind", "established_on", "term_start", "term_end", "work_unit", "description"]
        widgets = {
            "established_on": DATE, "term_start": DATE, "term_end": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"term_end": _("Left empty, it is set from the term start and the kind's term length.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_unit"].queryset = selectors.work_unit_list(user)

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class MoveForm(StyledMixin, forms.Form):
    parent = OrgChoiceField(label=_("New parent organization"), queryset=Organization.objects.none(),
                            need=Need.ADMIN)

    def __init__(self, *args, user, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = (
            selectors.organization_choices(user, need=Need.ADMIN)
            .exclude(path__startswith=organization.path)
            .order_by("path")
        )


class PositionForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    class Meta:
        model = Position
        fields = ["kind", "member", "person_name", "partner_unit", "started_on", "ended_on"]
        widgets = {"started_on": DATE, "ended_on": DATE}

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["member"].queryset = Member.objects.filter(
            subtree_q(organization.path, "organization__path"), status=Member.Status.ACTIVE
        ).order_by("name_pinyin")
        self.fields["partner_unit"].queryset = organization.partner_units.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if not data.get("member") and not (data.get("person_name") or "").strip():
            raise forms.ValidationError(_("Choose a member, or give the name of a person from a partner unit."))
        return data


class WorkUnitForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    organization = OrgChoiceField(label=_("Party organization"), queryset=Organization.objects.none(),
                                  need=Need.ADMIN)

    class Meta:
        model = WorkUnit
        fields = ["name", "code", "address", "organization"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = selectors.organization_choices(user, need=Need.ADMIN).order_by("path")


class DepartmentForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    # No order number to type: a new department comes last (orgs.services.department_save).
    class Meta:
        model = Department
        fields = ["name"]

    def __init__(self, *args, work_unit: WorkUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.work_unit = work_unit


class PartnerUnitForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    host = OrgChoiceField(label=_("Host organization"), queryset=Organization.objects.none(), need=Need.ADMIN)

    class Meta:
        model = PartnerUnit
        fields = [
            "host", "name", "party_organization_name", "contact_name", "contact_phone", "address", "agreement_on",
            "is_active", "notes",
        ]
        widgets = {"agreement_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = selectors.organization_choices(user, need=Need.ADMIN).order_by("path")


class RuleForm(forms.Form):
    """An organization's own value for one rule; checked against the rule's type and bounds (Rule.parse), the
    same check the service makes. The Rules page writes its inputs by hand (a table and phone cards share it)."""

    value = forms.CharField(label=_("Value"), max_length=40)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule

    def clean_value(self):
        raw = self.cleaned_data["value"]
        return self.rule.parse(raw) if self.rule.configurable else raw  # the service refuses the rest
