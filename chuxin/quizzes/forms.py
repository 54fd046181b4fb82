from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.forms import IdempotentFormMixin, validate_date_range
from chuxin.members.models import Member
from chuxin.orgs.forms import OrgChoiceField, OrgMultipleChoiceField, StyledMixin

from .apps import POINT_KINDS
from .grading import MAX_OPTIONS
from .models import Difficulty, Exam, QuestionKind

MAX_UPLOAD = 10 * 1024 * 1024


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class QuestionForm(IdempotentFormMixin, StyledMixin, forms.Form):
    organization = OrgChoiceField(label=_("Bank of"), queryset=None, need=Need.MANAGE)
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=60)
    text = forms.CharField(label=_("Question"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("For a blank, write ____ where it goes."))
    options = forms.CharField(label=_("Options"), required=False, max_length=2400,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Choice questions: one option a line, 2 to %(n)s.") % {"n": MAX_OPTIONS})
    answer = forms.CharField(label=_("Answer"), max_length=300,
                             help_text=_("Letters of the right options (A or AC); 对 or 错; for a blank the accepted "
                                         "answers separated by |."))
    explanation = forms.CharField(label=_("Explanation"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label=_("Source"), required=False, max_length=200)
    difficulty = forms.TypedChoiceField(label=_("Difficulty"), choices=Difficulty.choices, coerce=int,
                                        initial=Difficulty.MEDIUM)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, organizations, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if editing:
            del self.fields["organization"]
            del self.fields["kind"]
            self.fields.pop("token", None)
        else:
            del self.fields["active"]

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("options", "").splitlines() if line.strip()]


class ImportForm(StyledMixin, forms.Form):
    organization = OrgChoiceField(label=_("Bank of"), queryset=None, need=Need.MANAGE)
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB. Split it into smaller files."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx); save older .xls files as .xlsx first."))
        return upload


class MemberChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.organization.name}）"


class ExamForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    organization = OrgChoiceField(label=_("Organizer"), queryset=None, need=Need.MANAGE)
    topics = forms.MultipleChoiceField(label=_("Draw from topics"), required=False,
                                       help_text=_("None chosen: every topic."))
    single = forms.IntegerField(label=_("Single-choice questions to draw"), min_value=0, max_value=100, initial=0)
    multiple = forms.IntegerField(label=_("Multiple-choice questions to draw"), min_value=0, max_value=100,
                                  initial=0)
    true_false = forms.IntegerField(label=_("True/false questions to draw"), min_value=0, max_value=100, initial=0)
    fill = forms.IntegerField(label=_("Fill-in questions to draw"), min_value=0, max_value=100, initial=0)
    audience_orgs = OrgMultipleChoiceField(label=_("Organizations taking it"), queryset=None, required=False,
                                           need=Need.MANAGE, attrs={"size": 5},
                                           help_text=_("Each organization with its whole subtree."))
    audience_members = MemberChoice(label=_("Chosen members"), queryset=None, required=False,
                                    widget=forms.SelectMultiple(attrs={"size": 6}))

    class Meta:
        model = Exam
        fields = ["title", "instructions", "mode", "questions", "opens_at", "closes_at", "time_limit",
                  "pass_mark", "max_attempts", "audience_orgs"]
        widgets = {"opens_at": DateTimeInput(), "closes_at": DateTimeInput(),
                   "instructions": forms.Textarea(attrs={"rows": 2}),
                   "questions": forms.SelectMultiple(attrs={"size": 8}),
}
        help_texts = {"questions": _("For a fixed or mixed paper.")}

    def __init__(self, *args, organizations, questions, members, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["audience_orgs"].queryset = organizations
        self.fields["questions"].queryset = questions
        self.fields["questions"].label_from_instance = lambda q: f"[{q.topic}·{q.get_kind_display()}] {q}"
        self.fields["audience_members"].queryset = members
        self.fields["topics"].choices = [(t, t) for t in topics]
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if self.instance.pk:
            self.fields.pop("organization")
            draw = self.instance.draw or {}
            for name in ("topics", "single", "multiple", "true_false", "fill"):
                self.initial.setdefault(name, draw.get(name, [] if name == "topics" else 0))
            self.initial.setdefault("audience_members", list(self.instance.audience_members.all()))

    def clean_opens_at(self):
        value = self.cleaned_data["opens_at"]
        validate_date_range(value.date())
        return value

    def clean_closes_at(self):
        value = self.cleaned_data["closes_at"]
        validate_date_range(value.date())
        return value

    def draw(self) -> dict:
        data = self.cleaned_data
        return {"topics": data.get("topics") or [], **{k: data.get(k) or 0 for k in QuestionKind.values}}


class PointRuleForm(StyledMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What earns points"))
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=100, initial=1)
    daily_cap = forms.IntegerField(label=_("At most a day"), min_value=1, max_value=1000, required=False)
    weekly_cap = forms.IntegerField(label=_("At most a week"), min_value=1, max_value=5000, required=False)
    once_only = forms.BooleanField(label=_("Once only"), required=False)

    def __init__(self, *args, kinds: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, kinds[k].label) for k in POINT_KINDS if k in kinds]


def member_choices(organizations):
    return Member.objects.filter(organization__in=organizations, status=Member.Status.ACTIVE).select_related(
        "organization").order_by("organization__path", "name")
