from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chuxin.core.attachments import AttachmentsField
from chuxin.core.forms import DateField, IdempotentFormMixin
from chuxin.orgs.forms import StyledMixin
from chuxin.orgs.models import Organization

from . import selectors

# Kinds a whole-subtree directive may go to; a superior committee is never below anyone.
SUBTREE_KINDS = [(k.value, k.label) for k in Organization.Kind if k != Organization.Kind.SUPERIOR_COMMITTEE]


class DirectiveForm(IdempotentFormMixin, StyledMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text; line breaks are kept."),
    )
    due_on = DateField(label=_("Due date"))
    recipients = forms.ModelMultipleChoiceField(
        label=_("Receiving organizations"), queryset=Organization.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Organization %(value)s is not under the sending organization; choose from the list."),
            "invalid_pk_value": _("“%(pk)s” is not an organization."),
        },
    )
    whole_subtree = forms.BooleanField(label=_("The whole subtree: every organization of the kinds below"),
                                       required=False)
    kinds = forms.MultipleChoiceField(
        label=_("Kinds"), choices=SUBTREE_KINDS, required=False, widget=forms.CheckboxSelectMultiple,
        initial=list(Organization.BRANCH_KINDS),
    )
    attachments = AttachmentsField(label=_("Attachments: the original notice, templates to fill in"))

    def __init__(self, *args, sender: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = selectors.subordinates(sender)

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date has already passed; choose today or a later date."))
        return due_on

    def clean(self):
        data = super().clean()
        if "recipients" in data and not data.get("recipients") and not data.get("whole_subtree"):
            self.add_error("recipients", _("Choose the organizations to receive it, or the whole subtree."))
        if data.get("whole_subtree") and not data.get("kinds"):
            self.add_error("kinds", _("Choose which kinds of organization in the subtree receive it."))
        return data


class ActionForm(IdempotentFormMixin, StyledMixin, forms.Form):
    text = forms.CharField(label=pgettext_lazy("directive follow-up", "Action"), max_length=300)
    responsible = forms.ModelChoiceField(label=_("Responsible person"), queryset=None, required=False)
    due_on = DateField(label=_("Due date"), required=False)
    attachments = AttachmentsField()

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = selectors.responsible_choices(organization)


class CompleteForm(StyledMixin, forms.Form):
    answer = forms.CharField(
        label=_("How it was done"), widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Say how the directive was carried out before reporting completion.")},
        help_text=_("What was done, when, by whom; the sender sees this answer."),
    )
    attachments = AttachmentsField(label=_("Attachments: photos of a sign-in sheet, a ledger"))


class AttachForm(IdempotentFormMixin, StyledMixin, forms.Form):
    attachments = AttachmentsField(label=_("Add attachments"))

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if not files:
            raise forms.ValidationError(_("Choose one or more files to attach."))
        return files
