from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.forms import IdempotentFormMixin
from chuxin.orgs.forms import DATE, OrgChoiceField, StyledMixin
from chuxin.orgs.models import Organization
from chuxin.orgs.selectors import organization_choices

from . import selectors
from .models import Milestone, Plan, PlanArea, PlanItem, ProgressUpdate, Task


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


def member_label(member) -> str:
    """A member in the people picker: name and organization, and whether they can log in."""
    parts = [member.name, member.organization.name]
    if member.user_id is None:
        parts.append(str(_("no login")))
    return " · ".join(parts)


class ChosenOnlyMixin:
    """A select of members that renders only the chosen ones: the browser's picker (chuxin.js) asks the server for
    the others as a name is typed (plans:people), so a committee with 10,000 members sends no 10,000 options. The
    field still accepts any member of its queryset."""

    def optgroups(self, name, value, attrs=None):
        everyone = self.choices
        queryset = getattr(everyone, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        ids = [v for v in value if str(v).isdigit()]
        chosen = [(m.pk, member_label(m)) for m in queryset.filter(pk__in=ids)] if ids else []
        self.choices = chosen if self.allow_multiple_selected else [("", "---------"), *chosen]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everyone


class MemberSelect(ChosenOnlyMixin, forms.Select):
    pass


class MemberSelectMultiple(ChosenOnlyMixin, forms.SelectMultiple):
    pass


class MemberChoiceField(forms.ModelChoiceField):
    widget = MemberSelect

    def label_from_instance(self, obj) -> str:
        return member_label(obj)


class MembersChoiceField(forms.ModelMultipleChoiceField):
    widget = MemberSelectMultiple

    def label_from_instance(self, obj) -> str:
        return member_label(obj)


class PlanForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    owner = PersonChoiceField(label=_("Owner"), queryset=None,
                              help_text=_("The person who confirms that tasks are complete."))

    class Meta:
        model = Plan
        fields = ["year", "title", "owner"]

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.owner_choices(organization)


class PlanOrgForm(StyledMixin, forms.Form):
    """The organization picker on the plan list: where the user may write a plan."""

    organization = OrgChoiceField(label=_("Organization"), queryset=Organization.objects.none(), need=Need.MANAGE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organization_choices(user, need=Need.MANAGE).order_by("path")


class PlanItemForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    # No order number to type: a new item comes last in its area (plans.services.plan_item_create).
    class Meta:
        model = PlanItem
        fields = ["area", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = selectors.area_list(plan.organization)


class TaskForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    # People are members of the plan's organization subtree, with or without a login.
    lead = MemberChoiceField(label=_("Lead (亲自抓)"), queryset=None, required=False)
    responsible = MemberChoiceField(label=_("Responsible (具体抓)"), queryset=None, required=False)
    cooperating = MembersChoiceField(label=_("Cooperating (配合抓)"), queryset=None, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Task
        fields = ["title", "description", "department", "start_on", "due_on"]
        widgets = {"start_on": DATE, "due_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organization: Organization, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        people = selectors.eligible_people(organization)
        search = reverse("plans:people", args=[organization.pk])
        for name in ("lead", "responsible", "cooperating"):
            self.fields[name].queryset = people
            # A searchable list (checkboxes; one choice for lead and responsible) in the browser (chuxin.js) that
            # asks the server as a name or its pinyin initials is typed, not a Ctrl-click list.
            self.fields[name].widget.attrs.update({
                "data-cx-picker": _("Type a name to find a person"), "data-cx-picker-url": search,
                "data-cx-picker-more": _("More people match: type more of the name."),
                "data-cx-picker-none": _("Nobody found."),
            })
        self.fields["department"].queryset = selectors.allowed_departments(organization)
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version
        if year is not None:
            # A date outside the plan's year is worth a second look, never a refusal (a task may start in
            # December for January): chuxin.js says so beside the date as it is picked; the page after the save too.
            for name in ("start_on", "due_on"):
                self.fields[name].widget.attrs.update({
                    "data-cx-year": str(year),
                    "data-cx-year-warning": _("This date is outside the plan's year (%(year)s).") % {"year": year},
                })

    def clean(self):
        data = super().clean()
        start, due = data.get("start_on"), data.get("due_on")
        if start and due and due < start:
            self.add_error("due_on", _("The due date is before the start date."))
        return data


class PlanItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.area.name} · {obj.title}"


class DirectiveTaskForm(TaskForm):
    """A task of the organization's own plan that carries out a directive from above: the task form, plus which
    item of the year's plan it belongs to."""

    plan_item = PlanItemChoiceField(label=_("Plan item"), queryset=None, empty_label=None)

    field_order = ["plan_item"]

    def __init__(self, *args, organization: Organization, year: int, **kwargs):
        super().__init__(*args, organization=organization, year=year, **kwargs)
        self.fields["plan_item"].queryset = selectors.plan_items_of_year(organization, year)
        self.order_fields(self.field_order)


class ProgressForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ProgressUpdate
        fields = ["progress", "note", "attachment"]
        widgets = {
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"progress": _("Progress (%)")}


class MilestoneForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        widgets = {"due_on": DATE}


class AreaForm(StyledMixin, forms.ModelForm):
    # Reordered by the page's up and down buttons, not by typing numbers; a new area comes last.
    class Meta:
        model = PlanArea
        fields = ["name"]


AreaFormSet = forms.modelformset_factory(PlanArea, form=AreaForm, extra=1, can_delete=False)
