"""The widgets written in one pass (chuxin.core.forms) give the markup Django's templates give."""

from __future__ import annotations

import pytest
from django import forms

from chuxin.core.forms import FastCheckboxInput, FastSelect, FastTextInput

HOSTILE = '"><script>alert(1)</script>&amp;\'张'


@pytest.mark.parametrize("value", [None, "", "张伟", HOSTILE, 42])
@pytest.mark.parametrize("attrs", [{}, {"class": "form-control", "maxlength": 50, "id": "id_q"},
                                   {"required": True, "disabled": False, "data-x": HOSTILE}])
def test_a_fast_text_input_is_the_text_input(value, attrs):
    assert FastTextInput(attrs=attrs).render("q", value) == forms.TextInput(attrs=attrs).render("q", value)


@pytest.mark.parametrize("value", [None, False, True, "", "on"])
def test_a_fast_checkbox_is_the_checkbox(value):
    attrs = {"class": "form-check-input", "id": "id_contains"}
    assert FastCheckboxInput(attrs=attrs).render("contains", value) == forms.CheckboxInput(attrs=attrs).render(
        "contains", value)


def test_a_fast_select_is_the_select():
    """The same elements, attributes and text (its attributes in another order)."""
    from django.test.html import parse_html

    choices = [("", "全部"), ("a", HOSTILE), ("b", "B")]
    for value in ("", "a", "b", HOSTILE):
        fast = FastSelect(attrs={"class": "form-select"}, choices=choices).render("s", value)
        django = forms.Select(attrs={"class": "form-select"}, choices=choices).render("s", value)
        assert parse_html(fast) == parse_html(django)
