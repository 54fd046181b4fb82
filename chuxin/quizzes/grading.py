"""Checking a question's content and grading a response. Pure functions: no database."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import QuestionKind

MAX_OPTIONS = 8
TRUE, FALSE = "true", "false"


def normal_blank(text: str) -> str:
    """A blank's wording as compared: full-width forms folded (NFKC), case and spaces ignored."""
    return "".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def check_content(kind: str, text: str, options: list[str], answer: list[Any]) -> tuple[list[str], list[Any]]:
    """The cleaned (options, answer) of a question, or ValidationError saying what is wrong, by field."""
    errors: dict[str, list[str]] = {}
    if not str(text or "").strip():
        errors["text"] = [_("Write the question.")]
    options = [str(o).strip() for o in options if str(o).strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(options) < 2 or len(options) > MAX_OPTIONS:
            errors["options"] = [_("Give between 2 and %(max)s options.") % {"max": MAX_OPTIONS}]
        if len(set(options)) != len(options):
            errors["options"] = [_("Two options have the same wording.")]
        try:
            picked = sorted({int(a) for a in answer})
        except (TypeError, ValueError):
            picked = []
        if any(i < 0 or i >= len(options) for i in picked):
            picked = []
        if kind == QuestionKind.SINGLE and len(picked) != 1:
            errors["answer"] = [_("A single-choice question has exactly one right option.")]
        elif kind == QuestionKind.MULTIPLE and len(picked) < 2:
            errors["answer"] = [_("A multiple-choice question has at least two right options.")]
        answer = picked
    elif kind == QuestionKind.TRUE_FALSE:
        options = []
        value = str(answer[0]).strip().lower() if answer else ""
        if value not in (TRUE, FALSE):
            errors["answer"] = [_("Say whether the statement is true or false.")]
        answer = [value]
    elif kind == QuestionKind.FILL:
        options = []
        answer = [str(a).strip() for a in answer if str(a).strip()]
        if not answer:
            errors["answer"] = [_("Give at least one accepted answer for the blank.")]
    else:
        errors["kind"] = [_("Choose a question type.")]
    if errors:
        raise ValidationError(errors)
    return options, answer


def clean_response(kind: str, raw: list[str], options: list[str]) -> list[Any]:
    """What a person submitted, as stored: option indexes, "true"/"false", or the typed text (bounded)."""
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        picked = set()
        for value in raw:
            try:
                index = int(value)
            except (TypeError, ValueError):
                continue
            if 0 <= index < len(options):
                picked.add(index)
        picked = sorted(picked)
        return picked[:1] if kind == QuestionKind.SINGLE else picked
    if kind == QuestionKind.TRUE_FALSE:
        return [v for v in raw if v in (TRUE, FALSE)][:1]
    return [str(raw[0])[:200]] if raw else []


def is_right(kind: str, answer: list[Any], response: list[Any]) -> bool:
    if not response:
        return False
    if kind == QuestionKind.FILL:
        return normal_blank(response[0]) in {normal_blank(a) for a in answer}
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return sorted(int(r) for r in response) == sorted(int(a) for a in answer)
    return list(response) == list(answer)


def letters(indexes) -> str:
    return "".join(chr(ord("A") + int(i)) for i in indexes)
