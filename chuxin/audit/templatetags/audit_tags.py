"""Show an audit entry's recorded changes in the reader's language.

Services record {field: [old, new]} with field names and stored values (codes such as "draft"); here the
field becomes its model's verbose name and a coded value its choice label, when the model still knows them.
"""

from __future__ import annotations

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


def _field(target_type: str, name: str):
    try:
        return apps.get_model(target_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def _value(field, value) -> str:
    if value in (None, ""):
        return "∅"
    choices = dict(getattr(field, "flatchoices", None) or ()) if field is not None else {}
    return str(choices.get(value, value))


@register.filter
def audit_changes(entry) -> list[tuple[str, str, str | None]]:
    """[(label, old, new)] for pairs, [(label, value, None)] for single facts such as counts."""
    rows = []
    for name, change in (entry.changes or {}).items():
        field = _field(entry.target_type, name) if entry.target_type else None
        label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name
        if isinstance(change, list | tuple) and len(change) == 2:
            rows.append((label, _value(field, change[0]), _value(field, change[1])))
        else:
            rows.append((label, _value(field, change), None))
    return rows
