"""The dues brackets (党费交纳标准) as data, and the one function every page and bill uses: `monthly_amount`.

The Regulations on Party Dues (2008, art. 2, 5, 6): one flat rate on the whole monthly base (not progressive), the
upper bound of each bracket inclusive; retirees their own two brackets; students, the laid-off or unemployed and
people on the minimum living allowance 0.2 yuan a month; farmers 0.2 to 1 yuan a month. The texts set no rounding:
the platform rounds half up to the fen (REFERENCE.md E1). The rates are statutory: shown on the Rules page with
their article, never changed by an organization.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from chuxin.core.rules import Rule, Type

FEN = Decimal("0.01")
DUES = _("Party dues")


class Kind:
    """The kinds of dues base, as stored on a member's base (DuesBase.kind)."""

    EMPLOYED = "employed"
    RETIRED = "retired"
    STUDENT = "student"  # students, the laid-off or unemployed, those on the minimum living allowance: 0.2 yuan
    FARMER = "farmer"

    CHOICES = (
        (EMPLOYED, _("employed: monthly after-tax regular pay")),
        (RETIRED, _("retired: monthly pension")),
        (STUDENT, _("student, unemployed or on the minimum living allowance")),
        (FARMER, _("farmer")),
    )
    VALUES = (EMPLOYED, RETIRED, STUDENT, FARMER)


ART_RATES = _("Regulations on the Collection, Use and Management of Party Dues (2008), art. 2: after-tax regular "
              "monthly pay up to 3,000 yuan (inclusive) 0.5%; over 3,000 up to 5,000 1%; over 5,000 up to 10,000 "
              "1.5%; over 10,000 2%.")
ART_RETIRED = _("Same regulations, art. 5: retirees whose monthly pension is up to 5,000 yuan (inclusive) pay 0.5%, "
                "above 5,000 yuan 1%.")
ART_FIXED = _("Same regulations, art. 6: students, the laid-off or unemployed, those living on relief or the minimum "
              "living allowance pay 0.2 yuan a month; farmers 0.2 to 1 yuan a month.")


def _rate(code: str, label, rate: str, article, order: int) -> Rule:
    return Rule(code, label, Decimal(rate), Type.DECIMAL, unit=_("of the base"), article=article, group=DUES,
                order=order)


# (kind, upper bound inclusive or None for no bound, rule): each bracket's rate is the rule's value.
EMPLOYED_BRACKETS = (
    (Decimal("3000"), _rate("dues_rate_employed_3000", _("Employed, base up to 3,000 yuan"), "0.005", ART_RATES, 600)),
    (Decimal("5000"), _rate("dues_rate_employed_5000", _("Employed, base over 3,000 up to 5,000 yuan"), "0.01",
                            ART_RATES, 601)),
    (Decimal("10000"), _rate("dues_rate_employed_10000", _("Employed, base over 5,000 up to 10,000 yuan"), "0.015",
                             ART_RATES, 602)),
    (None, _rate("dues_rate_employed_over", _("Employed, base over 10,000 yuan"), "0.02", ART_RATES, 603)),
)
RETIRED_BRACKETS = (
    (Decimal("5000"), _rate("dues_rate_retired_5000", _("Retired, pension up to 5,000 yuan"), "0.005", ART_RETIRED,
                            610)),
    (None, _rate("dues_rate_retired_over", _("Retired, pension over 5,000 yuan"), "0.01", ART_RETIRED, 611)),
)
FIXED_AMOUNT = Rule("dues_fixed_amount", _("Students, unemployed, minimum living allowance: a month"), Decimal("0.2"),
                    Type.DECIMAL, unit=_("yuan"), article=ART_FIXED, group=DUES, order=620)
FARMER_MIN = Rule("dues_farmer_minimum", _("Farmers: the least a month"), Decimal("0.2"), Type.DECIMAL,
                  unit=_("yuan"), article=ART_FIXED, group=DUES, order=621)
FARMER_MAX = Rule("dues_farmer_maximum", _("Farmers: the most a month"), Decimal("1"), Type.DECIMAL, unit=_("yuan"),
                  article=ART_FIXED, group=DUES, order=622)
BACK_PAYMENT_MONTHS = Rule(
    "dues_back_payment_months", _("Back payment covers at most"), 6, unit=_("months"),
    article=_("Dues are paid monthly; with the branch's consent a quarter at once; back payment generally covers no "
              "more than six months."), group=DUES, order=630)
VOLUNTARY_NOTE_AMOUNT = Rule(
    "dues_voluntary_note_amount", _("A voluntary extra payment of at least this needs a note"), Decimal("1000"),
    Type.DECIMAL, unit=_("yuan"),
    article=_("Regulations on Party Dues (2008), art. 11: a one-off voluntary payment of 1,000 yuan or more is "
              "passed up whole to the Central Committee."), group=DUES, order=640)
ARREARS_ART = _("Six consecutive months of dues unpaid without good reason is treated as leaving the Party "
                "(Regulations on Organizational Life, 2019, art. 31): the platform flags it for the branch general "
                "meeting, never acts on it.")
ARREARS_WARN = Rule("dues_arrears_warn_months", _("Unpaid months flagged to the secretary (talk)"), 3,
                    unit=_("months"), article=ARREARS_ART, group=DUES, order=650)
ARREARS_URGENT = Rule("dues_arrears_urgent_months", _("Unpaid months flagged to the secretary (warning)"), 5,
                      unit=_("months"), article=ARREARS_ART, group=DUES, order=651)
ARREARS_CASE = Rule("dues_arrears_case_months", _("Unpaid months without reason: a case for the branch meeting"), 6,
                    unit=_("months"), article=ARREARS_ART, group=DUES, order=652)

RULES = (
    *(rule for _bound, rule in EMPLOYED_BRACKETS), *(rule for _bound, rule in RETIRED_BRACKETS),
    FIXED_AMOUNT, FARMER_MIN, FARMER_MAX, BACK_PAYMENT_MONTHS, VOLUNTARY_NOTE_AMOUNT,
    ARREARS_WARN, ARREARS_URGENT, ARREARS_CASE,
)


def to_fen(value: Decimal) -> Decimal:
    """Half up to the fen: the rules set no rounding, and this is the one the platform uses everywhere."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def rate_for(kind: str, base: Decimal) -> Decimal | None:
    """The flat rate on the whole base for the percentage kinds (None for the fixed-amount kinds)."""
    brackets = {Kind.EMPLOYED: EMPLOYED_BRACKETS, Kind.RETIRED: RETIRED_BRACKETS}.get(kind)
    if brackets is None:
        return None
    for bound, rule in brackets:
        if bound is None or base <= bound:  # upper bounds are inclusive
            return rule.default
    raise AssertionError("the last bracket has no bound")


def monthly_amount(kind: str, base: Decimal) -> Decimal:
    """The monthly dues for a base of `kind`, a Decimal to the fen (half up).

    employed, retired: the bracket's rate on the whole base (3000.00 -> 15.00; 3000.01 -> 30.00).
    student (and the unemployed, the minimum living allowance): 0.20 whatever the base.
    farmer: the amount the branch agreed, taken as the base, within 0.20-1.00 (a lower one is raised to 0.20, a
    higher one lowered to 1.00), so the amount never falls as the base grows.
    A negative base, or an unknown kind, is a ValueError: forms refuse them before they get here.
    """
    if kind not in Kind.VALUES:
        raise ValueError(f"unknown dues kind {kind!r}")
    base = Decimal(base)
    if not base.is_finite() or base < 0:
        raise ValueError("the dues base must be a number of at least 0")
    if kind == Kind.STUDENT:
        return to_fen(FIXED_AMOUNT.default)
    if kind == Kind.FARMER:
        return to_fen(min(max(base, FARMER_MIN.default), FARMER_MAX.default))
    return to_fen(base * rate_for(kind, base))
