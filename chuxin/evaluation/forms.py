from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import DateField, IdempotentFormMixin
from chuxin.orgs.forms import StyledMixin

from .models import Grade, Talk

GRADE_CHOICES = [("", "—"), *Grade.choices]


class OpenForm(IdempotentFormMixin, StyledMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    self_assessment_due = DateField(label=_("Self-assessments due"))
    grading_due = DateField(label=_("Peer grading closes"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.initial.setdefault("year", today.year)
        self.initial.setdefault("self_assessment_due", today + datetime.timedelta(days=7))
        self.initial.setdefault("grading_due", today + datetime.timedelta(days=14))


class SelfAssessmentForm(StyledMixin, forms.Form):
    text = forms.CharField(
        label=_("My self-assessment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("How you studied, worked and kept to the Party's rules this year, and what you will improve."),
        error_messages={"required": _("Write your self-assessment before saving it.")},
    )


class _PerParticipantForm(StyledMixin, forms.Form):
    """One grade field per participant (`grade_<id>`), built from the rows the page shows."""

    required_grades = True

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        for p in self.participants:
            self.fields[f"grade_{p.pk}"] = forms.ChoiceField(
                label=p.member.name, choices=GRADE_CHOICES, required=self.required_grades,
                error_messages={"required": _("Choose a grade.")},
            )
        for name, field in self.fields.items():
            if name.startswith("grade_"):
                field.widget.attrs.setdefault("class", "form-select form-select-sm")

    def grades(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data.get(f"grade_{p.pk}") or "" for p in self.participants}


class BallotForm(_PerParticipantForm):
    pass


class ProposalForm(_PerParticipantForm):
    required_grades = False

    def __init__(self, *args, participants, everyone, **kwargs):
        super().__init__(*args, participants=participants, **kwargs)
        self.everyone = list(everyone)
        for p in self.everyone:
            self.fields[f"comment_{p.pk}"] = forms.CharField(
                label=_("Comment for %(name)s") % {"name": p.member.name}, max_length=500, required=False,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
            self.initial.setdefault(f"comment_{p.pk}", p.comment)
        for p in self.participants:
            self.initial.setdefault(f"grade_{p.pk}", p.proposed_grade)

    def comments(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data.get(f"comment_{p.pk}") or "" for p in self.everyone}


class DecisionForm(_PerParticipantForm):
    meeting_on = DateField(label=_("Date of the branch general meeting"))
    meeting_note = forms.CharField(label=_("Meeting note"), max_length=300, required=False)

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, participants=participants, **kwargs)
        for p in self.participants:
            self.initial.setdefault(f"grade_{p.pk}", p.final_grade or p.proposed_grade)

    def clean_meeting_on(self):
        value = self.cleaned_data["meeting_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The meeting's date cannot be in the future."))
        return value


class TalkForm(IdempotentFormMixin, StyledMixin, forms.Form):
    talker = forms.ModelChoiceField(label=_("Talker"), queryset=None)
    member = forms.ModelChoiceField(label=_("Talked with"), queryset=None)
    held_on = DateField(label=_("Held on"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Talk.Kind.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Only the talker and the secretary can read it."))

    def __init__(self, *args, people, talkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["talker"].queryset = talkers
        self.fields["member"].queryset = people
        self.initial.setdefault("held_on", timezone.localdate())
        if talkers.count() == 1:
            self.initial.setdefault("talker", talkers.first().pk)
