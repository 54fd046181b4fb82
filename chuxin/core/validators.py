"""Validators shared by every app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What a spreadsheet program reads as the start of a formula (OWASP, "CSV injection"). Exports escape such text
# wherever it appears (chuxin/core/spreadsheet.py); names and titles refuse it outright.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def no_formula_prefix(value: str) -> None:
    """Refuse a name or title that a spreadsheet program would run as a formula when the data is exported.

    Only names and titles: free text (descriptions, notes) may well start with "-" as a bullet, and exports write
    it as escaped text anyway.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        raise ValidationError(
            _("This cannot start with =, +, -, @ or a tab: spreadsheet programs would run it as a formula."),
            code="formula_prefix",
        )
