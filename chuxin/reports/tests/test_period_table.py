import datetime

from django.urls import reverse
from django.utils import timezone

from chuxin.orgs.models import Position
from chuxin.reports.models import Report
from chuxin.reports.selectors import period_table
from chuxin.testing import make_member, make_user

from .conftest import make_requirement, open_period

D = datetime.date


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def test_late_is_a_first_submission_after_the_due_day_and_missing_is_nothing_in_after_it(world, january):
    # due on 10 February
    Report.objects.create(period=january, organization=world.b1, status="accepted",
                          first_submitted_at=_at(D(2026, 2, 10)), submitted_at=_at(D(2026, 2, 20)))
    Report.objects.create(period=january, organization=world.b2, status="draft")
    before = {row.reporter.organization.code: (row.state, row.late) for row in period_table(january, D(2026, 2, 10))}
    assert before == {"B1": ("accepted", False), "B2": ("draft", False)}
    after = {row.reporter.organization.code: (row.state, row.late) for row in period_table(january, D(2026, 2, 11))}
    assert after == {"B1": ("accepted", False), "B2": ("missing", False)}  # a draft is not a report
    Report.objects.filter(organization=world.b2).update(status="submitted", first_submitted_at=_at(D(2026, 2, 11)))
    after = {row.reporter.organization.code: (row.state, row.late) for row in period_table(january, D(2026, 2, 12))}
    assert after == {"B1": ("accepted", False), "B2": ("submitted", True)}


def test_post_holders_each_owe_a_report_while_they_hold_the_seat(world):
    requirement = make_requirement(world.pc, audience="posts", kinds=["secretary", "discipline"],
                                   frequency="quarterly", title="述职")
    q1 = open_period(requirement, D(2026, 1, 1))
    a, b = make_user("a"), make_user("b")
    Position.objects.create(organization=world.b1, kind="secretary", member=make_member(world.b1, "甲", user=a),
                            started_on=D(2025, 1, 1))
    Position.objects.create(organization=world.b2, kind="discipline", member=make_member(world.b2, "乙", user=b),
                            started_on=D(2025, 1, 1), ended_on=D(2026, 2, 1))  # left before the quarter ended
    Position.objects.create(organization=world.b2, kind="secretary", person_name="无账号", started_on=D(2025, 1, 1))
    rows = period_table(q1, D(2026, 5, 1))
    assert [(row.reporter.name, row.state) for row in rows] == [("第一支部 · 甲", "missing")]


def test_an_unknown_period_of_the_requirement_is_not_found(world, monthly, client_for):
    other = make_requirement(world.pc, title="另一个")
    foreign = open_period(other, D(2026, 1, 1))
    client = client_for(world.worker)
    url = reverse("reports:requirement", args=[monthly.pk])
    assert client.get(url, {"period": foreign.pk}).status_code == 404
    assert client.get(url, {"period": "x"}).status_code == 404
