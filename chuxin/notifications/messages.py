"""A notification's words, stored untranslated and put into the reader's language when read.

An app tells `notify` a message, marked for translation but not translated (gettext_noop("Reopened: %(task)s")),
and its parameters ({"task": "制定学习计划"}). Both are stored; the list page, the e-mail and anything else that shows
a notification renders them in the language of whoever reads it, so the same notification reads
"已重新办理：制定学习计划" to one person and "Reopened: 制定学习计划" to another.

A parameter is what a person typed or a number (kept as it is), or itself something to translate:
- {"message": msgid, "params": {...}} (and "context" for a msgid that needs one), e.g. a report's period
  ("Q4 %(year)s": 2026年第四季度 / Q4 2026), as reports.models.period_message makes it;
- {"date": "YYYY-MM-DD", "format": "YEAR_MONTH_FORMAT"}: a date in the reader's format (2026年11月 / November 2026).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext

DATE_FORMATS = {"DATE_FORMAT", "SHORT_DATE_FORMAT", "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT"}


def msgid_of(message: Any) -> str | None:
    """The untranslated message: a plain string (gettext_noop) is one; a lazy gettext_lazy(...) gives its msgid.
    None for anything else (it is text already translated)."""
    if isinstance(message, Promise):
        args = getattr(message, "_args", ())
        return args[0] if len(args) == 1 and isinstance(args[0], str) else None
    return message if isinstance(message, str) else None


def freeze(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Parameters as they are stored (JSON): objects by their names, dates as ISO dates, the two translatable
    shapes kept as they are."""
    return {str(key): _freeze(value) for key, value in (params or {}).items()}


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        if "date" in value or "message" in value:
            return {k: freeze(v) if k == "params" else v for k, v in value.items()}
        return str(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model | Promise):
        return str(value)
    return str(value)


def render(message: str, params: Mapping[str, Any] | None, *, context: str = "", fallback: str = "") -> str:
    """`message` with its parameters, in the active language; `fallback` (else the message) when the message and
    the stored parameters no longer fit each other."""
    words = pgettext(context, message) if context else gettext(message)
    values = {key: _render(value) for key, value in (params or {}).items()}
    for text in (words, message):  # the translation, else the source (a catalogue out of step with the row)
        try:
            return text % values
        except (KeyError, TypeError, ValueError):
            continue
    return fallback or message


def _render(value: Any) -> Any:
    if isinstance(value, dict):
        if "date" in value:
            try:
                day = datetime.date.fromisoformat(value["date"])
            except (TypeError, ValueError):
                return str(value["date"])
            form = value.get("format", "DATE_FORMAT")
            return date_format(day, form if form in DATE_FORMATS else "DATE_FORMAT")
        if "message" in value:
            return render(str(value["message"]), value.get("params"), context=str(value.get("context", "")))
    return value
