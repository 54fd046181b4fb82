from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import DateField, IdempotentFormMixin, RichTextarea
from chuxin.members.models import Member
from chuxin.orgs.forms import StyledMixin
from chuxin.orgs.models import Organization

from .models import MEDIA_EXTENSIONS, MEDIA_MAX_BYTES, Category, Item, Topic, TrainingClass
from .services import parse_tags

UPLOAD_MAX_BYTES = 2 * 1024 * 1024  # a saved web page or a text file of an article


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.organization.name}）"


def _tree_of(organization: Organization):
    """The organization's own and its superiors' categories and topics (theirs flow down)."""
    from chuxin.core.paths import ancestor_paths

    return [*ancestor_paths(organization.path), organization.path]


class ItemForm(IdempotentFormMixin, StyledMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(label=_("Text"), required=False, widget=RichTextarea())
    file = forms.FileField(label=_("File"), required=False)
    authors = forms.CharField(label=_("Authors"), max_length=200, required=False)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    published_on = DateField(label=_("Publication date"), required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    topic = forms.ModelChoiceField(label=_("Special topic"), queryset=Topic.objects.none(), required=False)
    tags = forms.CharField(label=_("Tags"), max_length=300, required=False,
                           help_text=_("Separated by commas, e.g. 党章, 三会一课"))

    def __init__(self, *args, organization: Organization, kind: str, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields.pop("token", None)  # a change, not a creation: no one-time token
        self.kind = kind
        paths = _tree_of(organization)
        self.fields["category"].queryset = Category.objects.filter(organization_path__in=paths)
        self.fields["topic"].queryset = Topic.objects.filter(organization_path__in=paths)
        if kind == Item.Kind.ARTICLE or editing:
            del self.fields["file"]
        else:
            self.fields["file"].required = True
            self.fields["file"].widget.attrs["accept"] = ",".join(f".{e}" for e in MEDIA_EXTENSIONS[kind])
            self.fields["file"].help_text = _("%(kinds)s, up to %(mb)s MB") % {
                "kinds": "、".join(f".{e}" for e in MEDIA_EXTENSIONS[kind]), "mb": MEDIA_MAX_BYTES // 2**20}
            self.fields["body"].label = _("Description")
        if kind == Item.Kind.ARTICLE:
            self.fields["body"].required = True

    def clean_tags(self):
        return parse_tags(self.cleaned_data["tags"])


class TaxonomyForm(StyledMixin, forms.Form):
    what = forms.ChoiceField(label=_("Add"), choices=[("category", _("a category")), ("topic", _("a special topic"))])
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(label=_("Introduction (special topics)"), max_length=300, required=False)


class ImportForm(StyledMixin, forms.Form):
    text = forms.CharField(label=_("Paste the article"), required=False,
                           widget=forms.Textarea(attrs={"rows": 12}))
    upload = forms.FileField(label=_("Or upload a file"), required=False,
                             help_text=_(".txt or a saved web page (.html), up to 2 MB"),
                             widget=forms.ClearableFileInput(attrs={"accept": ".txt,.html,.htm"}))

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return None
        name = (upload.name or "").lower()
        if not name.endswith((".txt", ".html", ".htm")):
            raise ValidationError(_("Choose a .txt file or a saved web page (.html)."))
        if upload.size > UPLOAD_MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        return upload

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("upload") and not self.errors:
            raise ValidationError(_("Paste the article's text or choose a file."))
        return data


class PublishForm(StyledMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    topic = forms.ModelChoiceField(label=_("Special topic"), queryset=Topic.objects.none(), required=False)
    tags = forms.CharField(label=_("Tags"), max_length=300, required=False,
                           help_text=_("Empty: the article's keywords."))
    organizations = forms.ModelMultipleChoiceField(
        label=_("Required reading for"), queryset=Organization.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional: the members of these organizations are asked to read it."))
    due_on = DateField(label=_("Read by"), required=False)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        paths = _tree_of(organization)
        self.fields["category"].queryset = Category.objects.filter(organization_path__in=paths)
        self.fields["topic"].queryset = Topic.objects.filter(organization_path__in=paths)
        self.fields["organizations"].queryset = reading_organizations(organization)

    def clean_tags(self):
        return parse_tags(self.cleaned_data["tags"])

    def clean(self):
        data = super().clean()
        if data.get("organizations") and not data.get("due_on"):
            self.add_error("due_on", _("Enter the date it should be read by."))
        return data


def reading_organizations(organization: Organization):
    """The organization and those of the next two levels below it (a committee's general branches and branches):
    a required reading asks whole organizations, their subtrees included."""
    from chuxin.core.paths import subtree_q

    return Organization.objects.filter(subtree_q(organization.path), status=Organization.Status.ACTIVE,
                                       depth__lte=organization.depth + 2).order_by("path")


class ReadingForm(IdempotentFormMixin, StyledMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("Asked by"), queryset=Organization.objects.none())
    organizations = forms.ModelMultipleChoiceField(label=_("Organizations"), queryset=Organization.objects.none(),
                                                   required=False, widget=forms.CheckboxSelectMultiple)
    members = PersonChoice(label=_("People"), queryset=Member.objects.none(), required=False,
                           widget=forms.SelectMultiple(attrs={"size": 6}))
    due_on = DateField(label=_("Read by"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, managed, organization: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Min

        from chuxin.core.paths import subtree_q

        self.fields["organization"].queryset = managed
        org = organization or managed.first()
        if org is not None:
            self.initial.setdefault("organization", org.pk)
        # Whatever the asking organization, the choices are within what the user manages (the service checks
        # they lie within the one chosen): the organizations of the top two levels, and the people.
        scope = Q(pk__in=[])
        for path in managed.values_list("path", flat=True):
            scope |= subtree_q(path)
        top = managed.aggregate(d=Min("depth"))["d"] or 0
        self.fields["organizations"].queryset = Organization.objects.filter(
            scope, status=Organization.Status.ACTIVE, depth__lte=top + 2).order_by("path")
        people = Q(pk__in=[])
        for path in managed.values_list("path", flat=True):
            people |= subtree_q(path, "organization__path")
        self.fields["members"].queryset = Member.objects.filter(people, status=Member.Status.ACTIVE).select_related(
            "organization").order_by("name_pinyin")
        if not self.is_bound:
            self.initial.setdefault("due_on", timezone.localdate() + timezone.timedelta(days=14))


class CourseForm(IdempotentFormMixin, StyledMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class LessonForm(StyledMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("Library item"), queryset=Item.objects.none())

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class ClassForm(IdempotentFormMixin, StyledMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingClass.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = DateField(label=_("First day"))
    ends_on = DateField(label=_("Last day"))
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class EnrollForm(StyledMixin, forms.Form):
    members = PersonChoice(label=_("Add to the roster"), queryset=Member.objects.none(),
                           widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = people


class FinalExamForm(StyledMixin, forms.Form):
    exam = forms.ModelChoiceField(label=_("Final exam"), queryset=None, required=False,
                                  empty_label=_("No final exam"))

    def __init__(self, *args, exams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exam"].queryset = exams


class SessionForm(StyledMixin, forms.Form):
    on = DateField(label=_("Date"))
    hours = forms.DecimalField(label=_("Study hours"), min_value=0.5, max_value=8, max_digits=3, decimal_places=1,
                               help_text=_("A full day of training is 8 study hours."))
    subject = forms.CharField(label=_("Subject"), max_length=200)


class ExternalForm(IdempotentFormMixin, StyledMixin, forms.Form):
    title = forms.CharField(label=_("Training"), max_length=200)
    provider = forms.CharField(label=_("Organized by"), max_length=200)
    on = DateField(label=_("Finished on"))
    hours = forms.DecimalField(label=_("Study hours"), min_value=0.5, max_value=200, max_digits=4,
                               decimal_places=1)
    certificate = forms.FileField(label=_("Certificate"), help_text=_(".pdf, .jpg or .png, up to 10 MB"),
                                  widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def clean_certificate(self):
        from chuxin.core.attachments import check_attachment

        upload = self.cleaned_data["certificate"]
        if not (upload.name or "").lower().endswith((".pdf", ".jpg", ".jpeg", ".png")):
            raise ValidationError(_("Attach the certificate as .pdf, .jpg or .png."))
        check_attachment(upload)
        return upload
