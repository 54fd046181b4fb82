import datetime
import secrets
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# ---------------------------------------------------------------------------------------------------------------
# Dates people can mean. Anything outside breaks what is computed from a date (a term end five years on, the day
# after a deadline in a calendar feed, a month view), and no Party record is older than 1900 or due after 2100.

DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)


def validate_date_range(value: datetime.date | None) -> None:
    if value is not None and not (DATE_MIN <= value <= DATE_MAX):
        raise ValidationError(
            _("Enter a date between %(min)s and %(max)s.") % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
            code="date_range",
        )


class DateInput(forms.DateInput):
    """The browser's date picker, limited to the dates the form accepts."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__({"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat(), **(attrs or {})},
                         format="%Y-%m-%d")


class DateField(forms.DateField):
    widget = DateInput
    default_validators = [validate_date_range]


class BoundedDatesMixin:
    """Every date field of the form, declared or made from a model field, accepts only DATE_MIN..DATE_MAX.
    Every form gets it through the shared styling mixin (chuxin.orgs.forms.StyledMixin)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField) and validate_date_range not in field.validators:
                field.validators.append(validate_date_range)
                field.widget.attrs.setdefault("min", DATE_MIN.isoformat())
                field.widget.attrs.setdefault("max", DATE_MAX.isoformat())


# ---------------------------------------------------------------------------------------------------------------
# One-time tokens: a form sent twice (a double click, a retry on a slow line, two tabs) makes one object.


class IdempotencyTokenField(forms.CharField):
    """The form's hidden one-time token. Anything that is not a plausible token counts as none: a browser always
    sends back what the page carried, and a client that sends garbage only loses the protection for itself."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return value if 0 < len(value) <= 64 else ""


class IdempotentFormMixin:
    """A create form carries `token`, fresh each time the empty form is shown and sent back unchanged with the
    form's errors; its service stores it with what it made (IdempotencyKey in chuxin/core/models.py), so the
    same token a second time answers with the first object instead of making another. Editing forms drop it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            return
        self.fields["token"] = IdempotencyTokenField()
        if not self.is_bound:
            self.initial["token"] = secrets.token_urlsafe(16)

    @property
    def token(self) -> str:
        return self.cleaned_data.get("token", "") if hasattr(self, "cleaned_data") else ""

    def _get_validation_exclusions(self) -> set[str]:
        """A model form checks the model's unique fields and constraints (a code, a name per host) before the
        service runs, so a form sent a second time would be refused for the very object its first sending made.
        When its token was used already, the model is not checked here: the service answers, with that object for
        the person who sent it (or with the full model checks for anyone else's token)."""
        exclude = super()._get_validation_exclusions()
        from .models import IdempotencyKey

        if self.token and IdempotencyKey.objects.filter(token=self.token).exists():
            exclude.update(self.fields)
        return exclude


def run_service(request, call: Callable[[], object], *, success: str = "") -> bool:
    """A POST action's service, for views that answer with a redirect: a refusal (ValidationError) becomes an error
    message on the next page (the service wrote nothing), else `success` is shown. True when it went through."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    if success:
        messages.success(request, str(success))
    return True


class FastSelect(forms.Select):
    """A <select> written in one pass instead of a template per <option>.

    Django renders each option through its own template (select_option.html): about 0.1 ms an option, 36 ms for
    the member list's organization filter and seconds for a form listing a large unit's organizations. This
    writes the same markup (attributes escaped, the chosen values marked) with plain string joins, about 100
    times faster. Only flat choices (no option groups) and no per-option attributes, as the organization
    pickers use it.
    """

    def render(self, name, value, attrs=None, renderer=None):
        from django.forms.utils import flatatt
        from django.utils.html import conditional_escape, format_html
        from django.utils.safestring import mark_safe

        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        if self.allow_multiple_selected:
            final["multiple"] = True
        chosen = {str(v) for v in self.format_value(value)}
        parts = [format_html("<select{}>", flatatt(final))]
        for option_value, label in self.choices:
            key = "" if option_value is None else str(option_value)
            selected = " selected" if key in chosen else ""
            parts.append(
                f'<option value="{conditional_escape(key)}"{selected}>{conditional_escape(str(label))}</option>'
            )
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value and label escaped above)


# ---------------------------------------------------------------------------------------------------------------
# Rich text people write (a report's sections; minutes and notices may follow): a textarea the editor enhances.


class RichTextarea(forms.Textarea):
    """A textarea that chuxin/static/chuxin/richtext.js turns into a small editor (bold, italic, headings h3/h4,
    lists, quotation: what chuxin.core.richtext.sanitize keeps). Without JavaScript it stays a textarea taking
    plain text. Render `{{ form.media }}` on the page (the editor's files, deferred); the service still sanitizes.
    The toolbar's names come from core/richtext_labels.html, in the reader's language."""

    template_name = "core/widgets/richtext.html"

    class Media:
        css = {"all": ["vendor/pell/pell.min.css"]}
        js = [forms.Script("vendor/pell/pell.min.js", defer=True), forms.Script("chuxin/richtext.js", defer=True)]

    def __init__(self, attrs=None):
        super().__init__({"rows": 10, **(attrs or {})})
