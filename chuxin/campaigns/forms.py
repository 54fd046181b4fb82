from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chuxin.core.attachments import AttachmentsField
from chuxin.core.forms import DateField, IdempotentFormMixin
from chuxin.meetings.models import Kind
from chuxin.orgs.forms import StyledMixin

from .models import Project
from .services import MEETING_KINDS


class OrgMultipleField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return obj.name


class CampaignForm(IdempotentFormMixin, StyledMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    starts_on = DateField(label=_("Starts on"))
    ends_on = DateField(label=_("Ends on"))
    description = forms.CharField(label=_("Purpose and requirements"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    organizations = OrgMultipleField(label=_("Organizations taking part"), queryset=None, required=False,
                                     help_text=_("Leave all unticked for every branch under the committee."))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = organizations
        self.fields["organizations"].widget.attrs["class"] = "form-check-input"


class StageForm(IdempotentFormMixin, StyledMixin, forms.Form):
    name = forms.CharField(label=_("Stage"), max_length=100)
    starts_on = DateField(label=_("Starts on"))
    ends_on = DateField(label=_("Ends on"))
    meeting_kinds = forms.MultipleChoiceField(
        label=_("Meetings to hold in the stage"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(k.value, k.label) for k in MEETING_KINDS],
        help_text=_("Ticked by the meeting's record once it is finalized."))
    report = forms.BooleanField(label=_("A written report filed in the stage"), required=False)
    manual = forms.CharField(label=_("Other actions, done by hand with a note"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("One a line, e.g. a rectification list drawn up."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_kinds"].widget.attrs["class"] = "form-check-input"


class TickForm(StyledMixin, forms.Form):
    action = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("What was done"), max_length=500,
                           error_messages={"required": _("Say in a note what was done.")})
    done_on = DateField(label=_("Done on"), required=False)


class EndForm(StyledMixin, forms.Form):
    summary = forms.CharField(label=_("Summary"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10}))


class PlanForm(IdempotentFormMixin, StyledMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("year", timezone.localdate().year)


class TopicForm(IdempotentFormMixin, StyledMixin, forms.Form):
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=[(m, m) for m in range(1, 13)])
    title = forms.CharField(label=_("Topic"), max_length=200)
    description = forms.CharField(label=_("What to study"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    links = forms.CharField(label=_("Links"), max_length=3000, required=False, widget=forms.Textarea(
        attrs={"rows": 2}), help_text=_("One address a line, starting with http:// or https://."))
    attachments = AttachmentsField(label=_("Materials"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(m, gettext("Month %(m)s") % {"m": m}) for m in range(1, 13)]


class LinkMeetingForm(StyledMixin, forms.Form):
    meeting = forms.ModelChoiceField(label=_("Meeting that studied it"), queryset=None,
                                     error_messages={"invalid_choice": _(
                                         "Choose one of the finalized meetings listed.")})

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = (
            lambda m: f"{m.held_on:%Y-%m-%d} {Kind(m.kind).label}：{m.title}")


class CallForm(IdempotentFormMixin, StyledMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What the call asks for"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    closes_on = DateField(label=_("Proposals until"))
    reviews_needed = forms.IntegerField(label=_("Reviews needed before approval"), min_value=1, max_value=9,
                                        initial=2)
    reviewers = forms.ModelMultipleChoiceField(label=_("Reviewers"), queryset=None,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewers
        self.fields["reviewers"].widget.attrs["class"] = "form-check-input"
        self.fields["reviewers"].label_from_instance = lambda u: str(u)
        today = timezone.localdate()
        self.initial.setdefault("year", today.year)
        self.initial.setdefault("closes_on", today + datetime.timedelta(days=30))


class ProposalForm(IdempotentFormMixin, StyledMixin, forms.Form):
    title = forms.CharField(label=_("Project"), max_length=200)
    problem = forms.CharField(label=_("The problem"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    goal = forms.CharField(label=_("The goal"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    expected_result = forms.CharField(label=_("Expected result"), max_length=3000,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    team = forms.ModelMultipleChoiceField(label=_("Team members"), queryset=None, required=False,
                                          help_text=_("You lead the project; choose the other members."))
    staff = forms.CharField(label=_("Staff on the team (not members)"), max_length=300, required=False)
    mentor = forms.CharField(label=_("Mentor (optional)"), max_length=100, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = members
        self.fields["team"].label_from_instance = lambda m: m.name
        self.fields["team"].widget.attrs["size"] = 6


class ReviewForm(StyledMixin, forms.Form):
    score = forms.IntegerField(label=_("Score (0-100)"), min_value=0, max_value=100)
    comment = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(StyledMixin, forms.Form):
    note = forms.CharField(label=_("Decision note"), max_length=500, required=False)


class MilestoneForm(IdempotentFormMixin, StyledMixin, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = DateField(label=_("Due on"))


class UpdateForm(IdempotentFormMixin, StyledMixin, forms.Form):
    text = forms.CharField(label=_("Progress"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(StyledMixin, forms.Form):
    evaluation = forms.CharField(label=_("Evaluation"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    award = forms.ChoiceField(label=_("Award level"), choices=Project.Award.choices, required=False)
