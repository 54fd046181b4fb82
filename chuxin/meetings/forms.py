from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.attachments import AttachmentsField
from chuxin.core.forms import DATE_MAX, DATE_MIN, DateField, IdempotentFormMixin
from chuxin.members.models import Member
from chuxin.orgs.forms import StyledMixin
from chuxin.orgs.models import Organization

from . import rules, selectors
from .models import Arrangement, Attendance, Kind, Meeting
from .services import frequency


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__({"min": f"{DATE_MIN}T00:00", "max": f"{DATE_MAX}T23:59", **(attrs or {})},
                         format="%Y-%m-%dT%H:%M")


class MeetingEditForm(StyledMixin, forms.ModelForm):
    """A meeting's details, to change them (MeetingForm plans a new one, with the one-time token)."""

    makes_up = forms.ChoiceField(label=_("Make-up meeting for"), required=False,
                                 help_text=_("Only for a meeting that makes up a missed period."))

    class Meta:
        model = Meeting
        fields = ["kind", "title", "topics", "planned_at", "place", "online", "host", "recorder", "lecturer",
                  "lecturer_name", "superior_attending", "is_election", "study_hours"]
        widgets = {"topics": forms.Textarea(attrs={"rows": 3}), "planned_at": DateTimeInput()}
        field_classes = {"host": PersonField, "recorder": PersonField, "lecturer": PersonField}
        help_texts = {"topics": _("One topic a line."),
                      "study_hours": _("Hours of collective study the meeting contained, for the study-hours "
                                       "ledger; 0 if none.")}

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        people = selectors.member_choices(organization)
        for name in ("host", "recorder", "lecturer"):
            self.fields[name].queryset = people
        self.fields["planned_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["kind"].choices = [(k, label) for k, label in Kind.choices
                                       if rules.kind_allowed(k, organization.kind)]
        today = timezone.localdate()
        choices = [("", "—")]
        for year in (today.year - 1, today.year):
            for kind in rules.REQUIRED_KINDS:
                if not rules.kind_allowed(kind, organization.kind):
                    continue
                freq = frequency(kind, organization)
                if freq == "none":
                    continue
                for period in rules.periods_of_year(year, freq):
                    if rules.period_bounds(period)[1] < today and (kind, period) not in choices:
                        choices.append((period, f"{Kind(kind).label} · {rules.period_label(period)}"))
        # One value per period (the kind is the form's own): keep the first label of each.
        seen, unique = set(), []
        for value, label in choices:
            if value not in seen:
                seen.add(value)
                unique.append((value, label.split(" · ")[-1] if value else label))
        self.fields["makes_up"].choices = unique


class MeetingForm(IdempotentFormMixin, MeetingEditForm):
    """A new meeting: sent twice, it plans once."""


class BatchForm(StyledMixin, forms.Form):
    """One themed Party day for all branches: the service plans it once per committee, title and time."""

    title = forms.CharField(label=_("Title"), max_length=200)
    topics = forms.CharField(label=_("Topics"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             help_text=_("One topic a line."))
    planned_at = forms.DateTimeField(label=_("Planned for"), widget=DateTimeInput(),
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    study_hours = forms.DecimalField(label=_("Hours of study"), min_value=0, max_value=24, decimal_places=1,
                                     initial=0)


class AttendanceForm(forms.Form):
    """One state per attendance row, named att-<id>; rows are the meeting's own."""

    def __init__(self, *args, rows: list[Attendance], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s, label) for s, label in Attendance.State.choices
                   if s not in (Attendance.State.EXPECTED, Attendance.State.OBSERVER)]
        for row in rows:
            if row.expected:
                self.fields[f"att-{row.pk}"] = forms.ChoiceField(
                    label=row.member.name, choices=choices, required=False, initial=row.state)
                self.fields[f"reason-{row.pk}"] = forms.CharField(max_length=200, required=False)

    def marks(self) -> tuple[dict[int, str], dict[int, str]]:
        marks, reasons = {}, {}
        for name, value in self.cleaned_data.items():
            kind, _sep, pk = name.partition("-")
            if kind == "att" and value:
                marks[int(pk)] = value
            elif kind == "reason" and value:
                reasons[int(pk)] = value
        return marks, reasons


class ObserverForm(StyledMixin, forms.Form):
    member = PersonField(label=_("Observer (列席)"), queryset=None)
    reason = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = selectors.observer_choices(meeting.organization, meeting)


class LeaveForm(StyledMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class DecideForm(StyledMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=200, required=False)


class CheckinForm(StyledMixin, forms.Form):
    code = forms.CharField(label=_("Six-digit code"), max_length=300,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class ResolutionForm(IdempotentFormMixin, StyledMixin, forms.Form):
    text = forms.CharField(label=_("Resolution"), max_length=500)
    votes_for = forms.IntegerField(label=_("For"), min_value=0, max_value=9999, initial=0)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, max_value=9999, initial=0)
    votes_abstain = forms.IntegerField(label=_("Abstaining"), min_value=0, max_value=9999, initial=0)


class FinalizeForm(StyledMixin, forms.Form):
    held_on = DateField(label=_("Held on"))
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 12}), max_length=60000)
    attachments = AttachmentsField(label=_("Attachments: a sign-in sheet, the material studied"))


class AttachForm(IdempotentFormMixin, StyledMixin, forms.Form):
    attachments = AttachmentsField(label=_("Add files"))

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if not files:
            raise forms.ValidationError(_("Choose one or more files to attach."))
        return files


class AmendForm(StyledMixin, forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 12}), max_length=60000)
    reason = forms.CharField(label=_("Reason for the amendment"), max_length=300)


class ReviewForm(StyledMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class ExemptionForm(StyledMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k, Kind(k).label) for k in rules.REQUIRED_KINDS])
    period = forms.ChoiceField(label=_("Period"), help_text=_("A period of the kind's frequency."))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        periods = []
        for y in (year, year - 1):
            for freq in ("yearly", "half_yearly", "quarterly", "monthly"):
                periods += rules.periods_of_year(y, freq)
        self.fields["period"].choices = [(p, rules.period_label(p)) for p in periods]


class ArrangementForm(StyledMixin, forms.Form):
    member = PersonField(label=_("Member"), queryset=None)
    kind = forms.ChoiceField(label=_("Arrangement"), choices=Arrangement.Kind.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    started_on = DateField(label=_("From"), initial=datetime.date.today)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = selectors.arrangement_choices(organization)


class PreparationForm(StyledMixin, forms.Form):
    study_done_on = DateField(label=_("Study done on"), required=False)
    study_note = forms.CharField(label=_("What was studied"), max_length=300, required=False)
    opinions_done_on = DateField(label=_("Opinions gathered on"), required=False)
    opinions_note = forms.CharField(label=_("How opinions were gathered"), max_length=300, required=False)


class CriticismForm(StyledMixin, forms.Form):
    member = PersonField(label=_("Member"), queryset=None)
    self_criticism = forms.CharField(label=_("Self-criticism"), widget=forms.Textarea(attrs={"rows": 3}),
                                     max_length=4000)
    criticism_received = forms.CharField(label=_("Criticism received"), widget=forms.Textarea(attrs={"rows": 3}),
                                         max_length=4000, required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(meeting_attendances__meeting=meeting).only(
            "id", "name")


class RectificationForm(IdempotentFormMixin, StyledMixin, forms.Form):
    text = forms.CharField(label=_("Rectification measure"), max_length=300)
    due_on = DateField(label=_("Due date"))


class RectificationTaskForm(StyledMixin, forms.Form):
    plan_item = forms.ModelChoiceField(label=_("Plan item"), queryset=None, empty_label=None)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].queryset = items

