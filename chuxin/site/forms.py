from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import IdempotentFormMixin, RichTextarea
from chuxin.core.richtext import to_editable
from chuxin.members.models import Member
from chuxin.orgs.forms import StyledMixin

from .models import Article, SiteProfile


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ProfileForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = SiteProfile
        fields = ["slug", "slogan", "history", "characteristics", "honours", "is_public"]
        widgets = {"history": RichTextarea(), "characteristics": RichTextarea(), "honours": RichTextarea()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            for name in ("history", "characteristics", "honours"):
                self.initial[name] = to_editable(getattr(self.instance, name))


class MemberField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ArticleForm(StyledMixin, IdempotentFormMixin, forms.ModelForm):
    picture = forms.FileField(label=_("Picture"), required=False,
                              help_text=_("JPEG, PNG, GIF or WebP, at most 5 MB; kept in sizes for phones and "
                                          "computers."))
    picture_alt = forms.CharField(label=_("What the picture shows"), max_length=200, required=False)

    class Meta:
        model = Article
        fields = ["kind", "title", "summary", "body", "member"]
        widgets = {"body": RichTextarea()}
        field_classes = {"member": MemberField}
        help_texts = {"member": _("For a pioneer story: the member is named on the public site only after they "
                                  "consent themselves.")}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (Member.objects.filter(organization__path__startswith=organization.path)
                                          .only("pk", "name").order_by("name"))
        self.fields["picture"].widget.attrs["accept"] = "image/jpeg,image/png,image/gif,image/webp"
        if self.instance.pk and not self.is_bound:
            self.initial["body"] = to_editable(self.instance.body)

    def article_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class PublishForm(StyledMixin, forms.Form):
    publish_at = forms.DateTimeField(label=_("Publish from (empty: now)"), required=False, widget=DateTimeInput(),
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
