from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chuxin.core.attachments import AttachmentsField
from chuxin.core.forms import DateField, FastSelect, IdempotentFormMixin, RichTextarea
from chuxin.core.paths import subtree_q
from chuxin.members.models import Member
from chuxin.orgs.forms import StyledMixin
from chuxin.orgs.models import Organization

from . import selectors
from .models import Notice, Robot

PEOPLE_MAX = 500  # people chosen by name; a whole organization is chosen as an organization


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.organization.name}）"


class NoticeForm(IdempotentFormMixin, StyledMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=RichTextarea(), max_length=50_000)
    priority = forms.ChoiceField(label=_("Priority"), choices=Notice.Priority.choices, initial="normal")
    to_organizations = forms.ModelMultipleChoiceField(
        label=_("To organizations (all their members)"), queryset=Organization.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Organization %(value)s is not one you may send to; choose from the "
                                            "list."), "invalid_pk_value": _("“%(pk)s” is not an organization.")})
    people = PersonChoiceField(
        label=_("Or to chosen people"), queryset=Member.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or long-press on a phone) to choose several."),
        error_messages={"invalid_choice": _("Person %(value)s is not one you may send to; choose from the list."),
                        "invalid_pk_value": _("“%(pk)s” is not a person.")})
    needs_confirmation = forms.BooleanField(
        label=_("Ask for a one-click “Got it” (nobody replies anywhere)"), required=False)
    confirm_by = DateField(label=_("Confirm by"), required=False)
    attachments = AttachmentsField()

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organizations"].queryset = Organization.objects.filter(
            subtree_q(organization.path), status=Organization.Status.ACTIVE).order_by("path")
        self.fields["people"].queryset = selectors.people_choices(organization)

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("to_organizations") and not data.get("people"):
            raise forms.ValidationError(_("Choose the organizations or the people it goes to."))
        if len(data.get("people") or []) > PEOPLE_MAX:
            self.add_error("people", _("Choose at most %(n)s people; send to their organization instead.") % {
                "n": PEOPLE_MAX})
        return data


class MessageForm(IdempotentFormMixin, StyledMixin, forms.Form):
    text = forms.CharField(label=_("Message"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Write to the group; @name "
                                                                                        "tells someone")}))
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    attachments = AttachmentsField()


class CustomGroupForm(IdempotentFormMixin, StyledMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    people = PersonChoiceField(label=_("People"), queryset=Member.objects.none(), required=False,
                               widget=forms.SelectMultiple(attrs={"size": 8}),
                               help_text=_("You are in the group yourself."))

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = selectors.people_choices(organization)


class QuietHoursForm(StyledMixin, forms.Form):
    start = forms.TimeField(label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"},
                                                                                   format="%H:%M"))
    end = forms.TimeField(label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"},
                                                                                 format="%H:%M"))


class RobotForm(IdempotentFormMixin, StyledMixin, forms.ModelForm):
    webhook = forms.URLField(label=_("webhook address"), max_length=500, assume_scheme="https", help_text=_(
        "Copied from the group's robot settings: WeCom https://qyapi.weixin.qq.com/…, DingTalk "
        "https://oapi.dingtalk.com/robot/send?access_token=…, Feishu https://open.feishu.cn/open-apis/bot/v2/hook/…"))

    class Meta:
        model = Robot
        fields = ["platform", "name", "webhook", "secret", "enabled", "push_notices", "push_meetings",
                  "push_directives"]
        widgets = {"secret": forms.PasswordInput(render_value=False)}
        help_texts = {
            "secret": _("DingTalk “加签” or Feishu “签名校验” secret (SEC…). Not needed for WeCom. Left empty when "
                        "editing, the saved secret is kept; it is never shown again."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].widget = FastSelect(choices=Robot.Platform.choices, attrs={"class": "form-select"})
        if self.instance.pk:
            self.fields["platform"].disabled = True

    def _post_clean(self):
        # The service checks the address and the whole row (chuxin.notices.platforms): the form only collects.
        pass
