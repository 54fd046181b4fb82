from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import IdempotentFormMixin
from chuxin.orgs.forms import StyledMixin

from .models import PostKind, TemplateItem


class MarkDoneForm(StyledMixin, forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), max_length=500, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. what was done, when")}),
    )


class OverviewFilterForm(StyledMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    post = forms.ChoiceField(label=_("Post"), required=False, choices=[("", _("All posts")), *PostKind.choices])

    def year_or_current(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year

    def post_kind(self) -> str:
        return self.cleaned_data.get("post", "") if self.is_valid() else ""


class TemplateItemForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    required_count = forms.IntegerField(
        label=_("times a year"), min_value=1, max_value=366, initial=1,
        help_text=_("How many records complete this duty in a year."),
    )

    class Meta:
        model = TemplateItem
        fields = ["text", "evidence_kind", "required_count", "frequency"]  # a new duty comes last; no order number
        help_texts = {
            "evidence_kind": _("Duties completed by recorded work are ticked off by themselves; "
                               "the others are marked by hand."),
        }
