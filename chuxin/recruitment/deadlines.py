"""The dates the recruitment rules set, as pure functions of the recorded steps and the rule set's rows.

Calendar months where the rules say a month or a year (the talk within one month of the application, one year as
an activist, approval within three months, probation of one year); working days, with the holiday calendar
(Holiday rows: public holidays and swapped working days), where a rule says working days (the public notice).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`months` calendar months after `day`; the 31st of a shorter month is its last day (1-31 + 1 month = 2-28)."""
    return day + relativedelta(months=months)


def is_working_day(day: datetime.date, calendar: Mapping[datetime.date, bool]) -> bool:
    """`calendar`: {date: is_workday} for the days that differ from Monday-Friday (holidays, swapped days)."""
    if day in calendar:
        return calendar[day]
    return day.weekday() < 5


def working_days_end(start: datetime.date, days: int, calendar: Mapping[datetime.date, bool]) -> datetime.date:
    """The last day of a period of `days` working days beginning on `start` (counted if it is a working day)."""
    day = start
    while not is_working_day(day, calendar):
        day += datetime.timedelta(days=1)
    counted = 1
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day, calendar):
            counted += 1
    return day


@dataclass(frozen=True)
class Next:
    """What comes next for a person: the step, the earliest day it may be taken, the day it is due by (and the
    longest it may take in special cases)."""

    number: int
    earliest: datetime.date | None = None
    due: datetime.date | None = None
    due_extended: datetime.date | None = None


def done_dates(records: Iterable) -> dict[int, datetime.date]:
    """{step number: the latest date it was recorded on}."""
    found: dict[int, datetime.date] = {}
    for r in records:
        if r.number not in found or r.on > found[r.number]:
            found[r.number] = r.on
    return found


def limits(rule, done: Mapping[int, datetime.date]) -> tuple[datetime.date | None, datetime.date | None,
                                                              datetime.date | None]:
    """(earliest, due, due in special cases) of the step `rule` given the dates of the steps already done."""
    if rule.repeatable and rule.number in done and rule.deadline_months:
        anchor = done[rule.number]  # the next assessment: six months after the last one
    else:
        anchor = done.get(rule.anchor) if rule.anchor else None
    if anchor is None:
        return None, None, None
    earliest = add_months(anchor, rule.earliest_months) if rule.earliest_months else None
    due = add_months(anchor, rule.deadline_months) if rule.deadline_months else None
    extended = add_months(anchor, rule.extended_months) if rule.extended_months else None
    return earliest, due, extended


def next_step(rules: list, done: Mapping[int, datetime.date]) -> Next | None:
    """The first step not yet recorded (in the rule set's order), with its limits; None when all are done."""
    for rule in rules:
        if rule.number not in done:
            earliest, due, extended = limits(rule, done)
            return Next(rule.number, earliest, due, extended)
    return None


def probation_ends(vote: datetime.date) -> datetime.date:
    """Probation lasts one year from the day the branch general meeting voted to admit."""
    return add_months(vote, 12)
