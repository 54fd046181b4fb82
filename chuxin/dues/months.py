"""Months as the first day of the month: parsing "2026-06", stepping, quarters."""

from __future__ import annotations

import datetime


def first(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def between(a: datetime.date, b: datetime.date) -> int:
    """Months from a to b (b later: positive)."""
    return (b.year - a.year) * 12 + b.month - a.month


def quarter_end(month: datetime.date) -> datetime.date:
    """The last month of the quarter `month` falls in."""
    return datetime.date(month.year, (month.month - 1) // 3 * 3 + 3, 1)


def span(first_month: datetime.date, last_month: datetime.date) -> list[datetime.date]:
    return [add(first_month, i) for i in range(between(first_month, last_month) + 1)]


def parse(value, default: datetime.date | None = None) -> datetime.date | None:
    """ "2026-06" (or a date) as the first of that month; anything else gives `default`."""
    if isinstance(value, datetime.date):
        return first(value)
    try:
        year, month = str(value or "").strip().split("-")[:2]
        parsed = datetime.date(int(year), int(month), 1)
    except (TypeError, ValueError):
        return default
    return parsed if 2000 <= parsed.year <= 2100 else default
