"""Period keys: "2026-03" (a month), "2026-Q1", "2026-H1" and "2026" (a year), and how people say them.

Kept apart from the rules so the models' audit display can read them without importing the rules."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY = "monthly", "quarterly", "half_yearly", "yearly"




def period_of(day: datetime.date, frequency: str) -> str:
    """The period `day` falls in: "2026-03" (monthly), "2026-Q1", "2026-H1", "2026" (yearly and not required)."""
    if frequency == MONTHLY:
        return f"{day.year}-{day.month:02d}"
    if frequency == QUARTERLY:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if frequency == HALF_YEARLY:
        return f"{day.year}-H{(day.month - 1) // 6 + 1}"
    return f"{day.year}"


def periods_of_year(year: int, frequency: str) -> list[str]:
    if frequency == MONTHLY:
        return [f"{year}-{m:02d}" for m in range(1, 13)]
    if frequency == QUARTERLY:
        return [f"{year}-Q{q}" for q in range(1, 5)]
    if frequency == HALF_YEARLY:
        return [f"{year}-H1", f"{year}-H2"]
    return [f"{year}"]


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a period key; ValueError for anything else (a forged form)."""
    year_text, _sep, part = period.partition("-")
    if not (len(year_text) == 4 and year_text.isdigit()):
        raise ValueError(period)
    year = int(year_text)
    if not part:
        first, last = 1, 12
    elif part.startswith("Q") and part[1:] in ("1", "2", "3", "4"):
        first = (int(part[1:]) - 1) * 3 + 1
        last = first + 2
    elif part.startswith("H") and part[1:] in ("1", "2"):
        first = (int(part[1:]) - 1) * 6 + 1
        last = first + 5
    elif len(part) == 2 and part.isdigit() and 1 <= int(part) <= 12:
        first = last = int(part)
    else:
        raise ValueError(period)
    start = datetime.date(year, first, 1)
    end = (datetime.date(year + (last == 12), last % 12 + 1, 1) - datetime.timedelta(days=1))
    return start, end


def period_frequency(period: str) -> str:
    _year, _sep, part = period.partition("-")
    if not part:
        return YEARLY
    return {"Q": QUARTERLY, "H": HALF_YEARLY}.get(part[0], MONTHLY)


def period_label(period: str) -> str:
    """A period as people say it: "2026年3月", "2026年第1季度" (translated)."""
    year, _sep, part = period.partition("-")
    if not part:
        return _("%(year)s") % {"year": year}
    if part[0] == "Q":
        return _("Q%(n)s %(year)s") % {"year": year, "n": part[1:]}
    if part[0] == "H":
        return (_("first half of %(year)s") if part[1:] == "1" else _("second half of %(year)s")) % {"year": year}
    return _("%(month)s/%(year)s") % {"year": year, "month": int(part)}


def shown(value) -> str:
    """A recorded period as people say it (the audit log); anything else as it is."""
    try:
        period_bounds(str(value))
    except ValueError:
        return str(value or "")
    return period_label(str(value))
