import datetime
import secrets
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.models import ModelChoiceIterator
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


class _FastInput:
    """An <input> written in one string instead of Django's three templates (input.html, attrs.html and the
    type's own): ~0.4 ms each on the member list, which draws its filters on every view. The same markup: the
    value (when there is one) and every attribute escaped, True attributes bare, False and None left out."""

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import conditional_escape
        from django.utils.safestring import mark_safe

        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"]
        value_attr = "" if shown is None else f' value="{conditional_escape(str(shown))}"'
        # As attrs.html writes them: in their order, True bare, False left out.
        attributes = "".join(
            f" {conditional_escape(key)}" if item is True else f' {conditional_escape(key)}="{conditional_escape(str(item))}"'
            for key, item in widget["attrs"].items() if item is not False)
        return mark_safe(  # noqa: S308 (every part escaped above)
            f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
            f'{value_attr}{attributes}>')


class FastTextInput(_FastInput, forms.TextInput):
    pass


class FastCheckboxInput(_FastInput, forms.CheckboxInput):
    pass


def _options_html(choices, chosen: set[str]) -> str:
    from django.utils.html import conditional_escape

    parts = []
    for option_value, label in choices:
        key = "" if option_value is None else str(option_value)
        selected = " selected" if key in chosen else ""
        parts.append(f'<option value="{conditional_escape(key)}"{selected}>{conditional_escape(str(label))}</option>')
    return "".join(parts)


# A picker holding more choices than this becomes a search box (SearchSelect).
SEARCH_SELECT_FEW = 200


class SearchChoices(ModelChoiceIterator):
    """The choices of a ModelChoiceField whose widget is a SearchSelect. Iterated, they are every row of the
    queryset, as usual (nothing else iterates them on a page). `for_page` is what the page shows: every row when
    there are at most `few`, else only the chosen ones, with `searching` True so the widget adds its search box.

    One query for a page: the first few + 1 rows in the queryset's order (an index read, whatever the scope's
    size); one more only when the chosen row is not among them and the field did not load it while validating
    (`picked`, kept by SearchModelChoiceMixin.to_python)."""

    few = SEARCH_SELECT_FEW

    def for_page(self, chosen: set[str]) -> tuple[list, bool]:
        empty = [("", self.field.empty_label)] if self.field.empty_label is not None else []
        key = self.field.to_field_name or "pk"
        rows = self._first_rows(chosen, key)
        if len(rows) <= self.few:
            return empty + [self.choice(obj) for obj in rows], False
        kept = {str(getattr(obj, key)): obj for obj in [*rows, *getattr(self.field, "picked", [])]
                if isinstance(obj, Model) and str(getattr(obj, key)) in chosen}
        missing = [v for v in chosen - kept.keys() if v.isdigit() and len(v) < 19]  # a forged value finds nothing
        if missing:
            kept.update((str(getattr(obj, key)), obj) for obj in self.queryset.filter(**{f"{key}__in": missing}))
        # A flat list: a label's indentation (a level in the tree) means nothing here.
        return empty + [(value, str(label).strip()) for value, label in map(self.choice, kept.values())], True


    def _first_rows(self, chosen: set[str], key: str) -> list:
        """The first few + 1 rows: model objects when there are at most `few` (each is a choice); when there are
        more, only the chosen ones are objects (the page shows them alone) and the others plain tuples. A queryset
        limited by .only() to its own columns is read as tuples and made into objects only where needed: in a
        wide scope, 201 organizations made into objects only to learn there are more than 200 cost ~2 ms of every
        member list page."""
        qs = self.queryset
        fields, deferring = qs.query.deferred_loading
        concrete = qs.model._meta.concrete_fields
        if deferring or not fields or qs.query.select_related or not fields <= {f.name for f in concrete}:
            return list(qs[: self.few + 1])
        # In the model's column order, as Model.from_db expects them.
        names = [f.attname for f in concrete if f.primary_key or f.name in fields]
        attname = qs.model._meta.pk.attname if key == "pk" else qs.model._meta.get_field(key).attname
        if attname not in names:
            return list(qs[: self.few + 1])
        rows = list(qs.values_list(*names)[: self.few + 1])
        at = names.index(attname)
        few = len(rows) <= self.few
        return [qs.model.from_db(qs.db, names, row) if few or str(row[at]) in chosen else row for row in rows]


class SearchModelChoiceMixin:
    """For a ModelChoiceField with a SearchSelect: the row validation loads is kept, so the page that shows the
    form again (with its errors) needs no query to name the chosen one."""

    iterator = SearchChoices

    def to_python(self, value):
        obj = super().to_python(value)
        self.picked = [] if obj is None else list(obj) if isinstance(obj, list) else [obj]
        return obj


class SearchSelect(forms.Select):
    """A select that searches on demand when it would hold too many choices (SearchChoices decides).

    Few choices: the plain select, written in one pass like FastSelect. Many: a search box (with its own label) and
    the select holding only the current value. Typing asks `search_url` (?q=, debounced by htmx) for matching
    <option>s, which chuxin.js puts into the select next to the current one; the person then picks in the select
    (the phone's own list, or the arrow keys). The box has no name: the form sends only the select, so without
    JavaScript (the box stays hidden) the form still sends the current value. Validation stays the field's
    queryset's: an id the search offered but the field does not accept is refused with the field's error."""

    def __init__(self, attrs=None, *, search_url: str = "", search_label: str = "", placeholder: str = ""):
        super().__init__(attrs)
        self.search_url = search_url
        self.search_label = search_label
        self.placeholder = placeholder

    def render(self, name, value, attrs=None, renderer=None):
        from django.forms.utils import flatatt
        from django.utils.html import format_html
        from django.utils.safestring import mark_safe

        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        if self.allow_multiple_selected:
            final["multiple"] = True
        chosen = {str(v) for v in self.format_value(value) if v not in (None, "")}
        if isinstance(self.choices, SearchChoices):
            choices, searching = self.choices.for_page(chosen)
        else:
            choices, searching = list(self.choices), False
        # Every value and label escaped by _options_html.
        select = mark_safe(format_html("<select{}>", flatatt(final)) + _options_html(choices, chosen) + "</select>")  # noqa: S308
        if not searching:
            return select
        box_id = f"{final.get('id') or name}_search"
        return format_html(
            '<div class="cx-search-select">'
            '<label class="form-text mt-0 mb-1 d-block" for="{box}" hidden>{label}</label>'
            '<input type="search" id="{box}" class="form-control mb-1" placeholder="{placeholder}" hidden '
            'autocomplete="off" enterkeyhint="search" maxlength="50" data-cx-search-select '
            'hx-get="{url}" hx-trigger="input changed delay:300ms, search" hx-swap="none" hx-sync="this:replace" '
            # Nothing inherited from the form around it (the member list's pushes its address, includes fields).
            'hx-target="this" hx-push-url="false" hx-include="unset" hx-vals="unset" hx-select="unset" '
            'hx-confirm="unset" hx-indicator="unset" '
            'aria-controls="{select_id}" aria-describedby="{box}_note" '
            'data-cx-found="{found}" data-cx-none="{none}" data-cx-more="{more}">'
            '{select}<div class="form-text" id="{box}_note" role="status"></div></div>',
            box=box_id, label=self.search_label, placeholder=self.placeholder, select_id=final.get("id") or name,
            url=self.search_url, select=select,
            found=_("Found %(count)s. Choose in the list below.") % {"count": "{count}"},
            none=_("Nothing found. Try fewer or other letters."),
            more=_("Showing the first %(count)s. Type more to narrow it down.") % {"count": "{count}"},
        )


class SearchSelectMultiple(SearchSelect, forms.SelectMultiple):
    """SearchSelect for several choices: the chosen ones stay in the select while the results change around them."""


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
