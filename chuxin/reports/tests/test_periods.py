import datetime

import pytest

from chuxin.reports.models import ReportPeriod
from chuxin.reports.periods import period_bounds, periods_open

from .conftest import make_requirement

D = datetime.date


@pytest.mark.parametrize(("frequency", "day", "start", "end"), [
    ("monthly", D(2025, 12, 31), D(2025, 12, 1), D(2025, 12, 31)),
    ("monthly", D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 31)),
    ("monthly", D(2024, 2, 29), D(2024, 2, 1), D(2024, 2, 29)),  # leap year
    ("monthly", D(2025, 2, 10), D(2025, 2, 1), D(2025, 2, 28)),
    ("quarterly", D(2025, 12, 31), D(2025, 10, 1), D(2025, 12, 31)),  # Q4
    ("quarterly", D(2026, 1, 1), D(2026, 1, 1), D(2026, 3, 31)),
    ("quarterly", D(2024, 2, 29), D(2024, 1, 1), D(2024, 3, 31)),
    ("quarterly", D(2026, 7, 1), D(2026, 7, 1), D(2026, 9, 30)),
    ("half_yearly", D(2026, 6, 30), D(2026, 1, 1), D(2026, 6, 30)),
    ("half_yearly", D(2026, 7, 1), D(2026, 7, 1), D(2026, 12, 31)),
    ("yearly", D(2024, 2, 29), D(2024, 1, 1), D(2024, 12, 31)),
])
def test_period_bounds(frequency, day, start, end):
    assert period_bounds(frequency, day) == (start, end)


def test_periods_open_from_the_first_up_to_today_and_only_once(world):
    requirement = make_requirement(world.pc, starts_on=D(2025, 11, 15), due_day=10)
    created = periods_open(D(2026, 1, 1))
    assert [(p.start, p.end, p.due_on) for p in created] == [
        (D(2025, 11, 1), D(2025, 11, 30), D(2025, 12, 10)),
        (D(2025, 12, 1), D(2025, 12, 31), D(2026, 1, 10)),  # across the year
        (D(2026, 1, 1), D(2026, 1, 31), D(2026, 2, 10)),
    ]
    assert periods_open(D(2026, 1, 20)) == []  # idempotent
    assert requirement.periods.count() == 3


def test_a_quarterly_period_due_date_after_q4_and_leap_february(world):
    quarterly = make_requirement(world.pc, frequency="quarterly", starts_on=D(2023, 10, 1), due_day=15)
    periods_open(D(2024, 1, 2))
    q4 = quarterly.periods.get(start=D(2023, 10, 1))
    assert (q4.end, q4.due_on) == (D(2023, 12, 31), D(2024, 1, 15))
    monthly = make_requirement(world.pc, starts_on=D(2024, 2, 1), due_day=1, title="闰月")
    periods_open(D(2024, 2, 29))
    february = monthly.periods.get()
    assert (february.end, february.due_on) == (D(2024, 2, 29), D(2024, 3, 1))


def test_inactive_and_future_requirements_open_nothing(world):
    make_requirement(world.pc, is_active=False)
    make_requirement(world.pc, starts_on=D(2030, 1, 1), title="将来")
    assert periods_open(D(2026, 3, 1)) == []
    assert not ReportPeriod.objects.exists()


def test_period_labels(world):
    quarterly = make_requirement(world.pc, frequency="quarterly", starts_on=D(2026, 1, 1))
    periods_open(D(2026, 4, 1))
    assert [p.label for p in quarterly.periods.order_by("start")] == ["2026年第一季度", "2026年第二季度"]


@pytest.mark.parametrize("frequency, start, chinese, english", [
    ("monthly", D(2026, 11, 1), "2026年11月", "November 2026"),
    ("quarterly", D(2026, 10, 1), "2026年第四季度", "Q4 2026"),
    ("half_yearly", D(2026, 1, 1), "2026年上半年", "H1 2026"),
    ("half_yearly", D(2026, 7, 1), "2026年下半年", "H2 2026"),
    ("yearly", D(2026, 1, 1), "2026年度", "2026"),
])
def test_periods_are_named_in_the_readers_language(frequency, start, chinese, english):
    from django.utils import translation

    from chuxin.reports.models import period_label

    with translation.override("zh-hans"):
        assert period_label(frequency, start) == chinese
    with translation.override("en"):
        assert period_label(frequency, start) == english
