"""Period arithmetic and the opening of periods (no worker needed: pages call `periods_open` too)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction

from .models import ReportPeriod, ReportRequirement

# How many months each frequency spans; periods are aligned to the calendar year (Q1 = Jan-Mar, H2 = Jul-Dec).
MONTHS = {
    ReportRequirement.Frequency.MONTHLY: 1,
    ReportRequirement.Frequency.QUARTERLY: 3,
    ReportRequirement.Frequency.HALF_YEARLY: 6,
    ReportRequirement.Frequency.YEARLY: 12,
}


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_bounds(frequency: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(start, end) of the period of `frequency` that contains `day`, both inclusive."""
    span = MONTHS[frequency]
    start = datetime.date(day.year, (day.month - 1) // span * span + 1, 1)
    end = _add_months(start, span) - datetime.timedelta(days=1)
    return start, end


def next_period_start(frequency: str, start: datetime.date) -> datetime.date:
    return _add_months(start, MONTHS[frequency])


def due_date(end: datetime.date, due_day: int) -> datetime.date:
    return end + datetime.timedelta(days=due_day)


def periods_open(today: datetime.date, requirements=None) -> list[ReportPeriod]:
    """Create every period that has started (from the requirement's first period up to today's) and is missing.

    Idempotent: existing periods are left alone, and a concurrent run losing the race on the unique
    (requirement, start) is harmless. Two queries when nothing is missing. Returns the periods it created.
    """
    if requirements is None:
        requirements = ReportRequirement.objects.filter(is_active=True)
    requirements = [r for r in requirements if r.is_active and r.starts_on <= today]
    if not requirements:
        return []
    existing = set(
        ReportPeriod.objects.filter(requirement__in=requirements).values_list("requirement_id", "start")
    )
    created = []
    for requirement in requirements:
        start, _end = period_bounds(requirement.frequency, requirement.starts_on)
        while start <= today:
            if (requirement.pk, start) not in existing:
                end = next_period_start(requirement.frequency, start) - datetime.timedelta(days=1)
                period = ReportPeriod(
                    requirement=requirement, start=start, end=end, due_on=due_date(end, requirement.due_day)
                )
                try:
                    with transaction.atomic():
                        period.save()
                except IntegrityError:
                    continue  # another request opened it first
                created.append(period)
            start = next_period_start(requirement.frequency, start)
    return created
