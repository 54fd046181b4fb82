"""How the audit log shows what changed, in the reader's language.

Services record changes as {name: [old, new]} (or {name: value} for a single fact such as a count), with the
names of the object's fields and stored values: codes such as "in_progress", names of related objects, dates as
YYYY-MM-DD, counts as numbers. Shown, a field reads as its model's verbose name, a code as its choice label, a
yes/no field as 是/否, a count (a relation's size) as "3 个", and nothing as 无.

A change whose name is not a field of the object's own model is described by the model itself, in an
`audit_fields` dict of AuditField (its label, how a count or a recorded word reads, or the field of another model
it stands for); the facts an import or an export records about itself are described here (GENERAL). A name nobody
describes is shown as it was recorded.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext


@dataclass(frozen=True)
class AuditField:
    """How the log shows one recorded change that is not (or not only) a field of the object's model."""

    label: Any = ""  # a lazy translation; empty: the field's own verbose name
    count: bool = False  # the value is a number of things ("3 个")
    values: Mapping[str, Any] = field(default_factory=dict)  # recorded word -> label (lazy)
    same_as: str = ""  # "app_label.Model.field": shown as that field of that model is
    show: Callable[[Any], str] | None = None  # anything else: the value -> text in the active language


GENERAL = {
    "file": AuditField(_("file")),
    "attachments": AuditField(_("attachments")),  # the names of the files attached or removed
    "rows": AuditField(_("rows"), count=True),
    "created": AuditField(_("new"), count=True),
    "updated": AuditField(_("changed"), count=True),
    "unchanged": AuditField(_("unchanged"), count=True),
    "full_citizen_ids": AuditField(_("full ID numbers"), count=True),
}


def nothing() -> str:
    return str(_("none"))


def count(value: Any) -> str:
    """A number of things: 3 → "3 个" (English "3"); none or zero → 无."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return plain(value)
    return pgettext("a count in the audit log", "%(n)s") % {"n": n} if n else nothing()


def plain(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return nothing()
    if isinstance(value, str) and value[:1] in "[{" and value[-1:] in "]}":
        try:  # a list or dict recorded as its Python text by an older version
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
    if isinstance(value, list | tuple):
        return "、".join(plain(v) for v in value) or nothing()
    if isinstance(value, dict):  # e.g. a report section: its title says which
        return plain(value.get("title") or value.get("name") or "、".join(plain(v) for v in value.values()))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def _model(label: str):
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None


def _is_many(model_field) -> bool:
    return bool(model_field.is_relation and (model_field.one_to_many or model_field.many_to_many))


def _field_label(model_field, name: str) -> str:
    if model_field is None:
        return name
    if _is_many(model_field) and not hasattr(model_field, "verbose_name"):  # a reverse relation: its rows
        return str(model_field.related_model._meta.verbose_name_plural)
    return str(getattr(model_field, "verbose_name", name))


def _field_show(model_field) -> Callable[[Any], str]:
    if model_field is None:
        return plain
    if _is_many(model_field):
        return count
    choices = dict(getattr(model_field, "flatchoices", None) or ())
    if choices:
        return lambda value: str(choices[value]) if isinstance(value, str | int) and value in choices else plain(value)
    if isinstance(model_field, models.BooleanField):
        words = {"True": True, "False": False, True: True, False: False}
        return lambda value: plain(words[value]) if isinstance(value, str | bool) and value in words else plain(value)
    return plain


def _with_values(show: Callable[[Any], str], values: Mapping[str, Any]) -> Callable[[Any], str]:
    if not values:
        return show

    def shown(value: Any) -> str:
        if isinstance(value, list) and value:  # a list of codes, e.g. the kinds of organization that report
            return "、".join(shown(v) for v in value)
        return str(values[value]) if isinstance(value, str) and value in values else show(value)

    return shown


def describe(target_type: str, name: str) -> tuple[str, Callable[[Any], str]]:
    """(label, value -> text) for one recorded change of an object of `target_type` ("app_label.model")."""
    model = _model(target_type)
    declared = (getattr(model, "audit_fields", None) or {}).get(name) or GENERAL.get(name)
    if declared is None:
        model_field = _field(model, name)
        return _field_label(model_field, name), _field_show(model_field)
    if declared.same_as:
        other, other_name = declared.same_as.rsplit(".", 1)
        label, show = describe(other, other_name)
    else:
        model_field = _field(model, name)
        label, show = _field_label(model_field, name), _field_show(model_field)
    if declared.count:
        show = count
    if declared.show is not None:
        show = declared.show
    return (str(declared.label) if declared.label else label), _with_values(show, declared.values)


def _ordered(target_type: str, changes: Mapping[str, Any]) -> list[tuple[str, Any]]:
    model = _model(target_type)
    if model is None:  # an import, an export: no model to take an order from
        return list(changes.items())
    names = [f.name for f in model._meta.get_fields()] + list(getattr(model, "audit_fields", {}) or {})
    order = {name: i for i, name in enumerate(dict.fromkeys(names))}
    return sorted(changes.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def changes_shown(target_type: str, changes: Mapping[str, Any] | None) -> list[tuple[str, str, str | None]]:
    """[(label, old, new)] for recorded pairs, [(label, value, None)] for single facts, in the model's field order
    (then its described extras, then the rest by name): PostgreSQL's jsonb does not keep the order they were written
    in, and a log must read the same on every database."""
    rows = []
    for name, change in _ordered(target_type, changes or {}):
        label, show = describe(target_type, name)
        if isinstance(change, list | tuple) and len(change) == 2:
            rows.append((label, show(change[0]), show(change[1])))
        else:
            rows.append((label, show(change), None))
    return rows
