"""The reports demo (`seed_demo`): two months of history a reviewer can walk through, with a report in every state
they meet (accepted, returned, late, missing), seeded at a fixed date so the states do not depend on the day the
tests run."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from chuxin.accounts.models import User
from chuxin.reports.demo import MONTHLY, QUARTERLY, seed_demo_data
from chuxin.reports.models import Report, ReportPeriod, ReportRequirement

TODAY = datetime.date(2026, 3, 20)  # last month is February (due 10 March), two back is January (due 10 February)


def text(response) -> str:
    """The page as a reader sees it: the words, without tags or runs of spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def demo(db):
    call_command("seed_demo", unit_only=True, verbosity=0)
    seed_demo_data(today=TODAY)
    return ReportRequirement.objects.get(title=MONTHLY)


def test_without_the_demo_unit_the_demo_adds_nothing(db):
    seed_demo_data(today=TODAY)  # no HX-PC: nothing to do
    assert not ReportRequirement.objects.exists()
    assert not ReportPeriod.objects.exists()
    assert not Report.objects.exists()


def test_demo_history(demo):
    from chuxin.reports.selectors import my_duties

    seed_demo_data(today=TODAY)  # a second run adds nothing
    states = sorted(Report.objects.filter(period__requirement=demo).values_list(
        "period__start", "organization__code", "status"))
    assert states == [
        (datetime.date(2026, 1, 1), "HX-B01", "accepted"), (datetime.date(2026, 1, 1), "HX-B02", "accepted"),
        (datetime.date(2026, 1, 1), "HX-B03", "accepted"),
        (datetime.date(2026, 2, 1), "HX-B01", "returned"), (datetime.date(2026, 2, 1), "HX-B02", "accepted"),
    ]
    quarterly = ReportRequirement.objects.get(title=QUARTERLY)
    secretary1 = User.objects.get(username="secretary1")
    owed = {(d.period.requirement_id, d.holder_id) for d in my_duties(secretary1, datetime.date(2026, 3, 28))}
    assert (quarterly.pk, secretary1.pk) in owed and (demo.pk, None) in owed


def test_last_month_shows_one_accepted_one_returned_and_one_missing(demo, client_for, english):
    february = demo.periods.get(start=datetime.date(2026, 2, 1))
    response = client_for(User.objects.get(username="worker")).get(
        reverse("reports:requirement", args=[demo.pk]), {"period": february.pk})
    page = text(response)
    assert response.status_code == 200
    assert "due on 2026-03-10" in page
    assert "accepted 1 · submitted 0 · returned 1 · missing 1" in page
    assert "Missing (1) 生产一线党支部 Late (0)" in page  # HX-B03 never reported for February
    assert "机关第一党支部 returned 2026-03-08 10:00" in page
    assert "研发中心党支部 accepted 2026-03-08 16:00" in page


def test_two_months_back_everyone_reported_and_one_branch_was_late(demo, client_for, english):
    january = demo.periods.get(start=datetime.date(2026, 1, 1))
    page = text(client_for(User.objects.get(username="worker")).get(
        reverse("reports:requirement", args=[demo.pk]), {"period": january.pk}))
    assert "accepted 3 · submitted 0 · returned 0 · missing 0" in page
    assert "Missing (0) Everyone has reported." in page
    assert "Late (1) 生产一线党支部 2026-02-14" in page  # four days after the 10th
    assert "生产一线党支部 accepted late" in page


def test_the_returned_report_shows_its_recorded_numbers_text_and_comment(demo, client_for, english):
    report = Report.objects.get(period__requirement=demo, period__start=datetime.date(2026, 2, 1),
                                organization__code="HX-B01")
    response = client_for(User.objects.get(username="worker")).get(reverse("reports:review", args=[report.pk]))
    page = text(response)
    assert response.status_code == 200
    # The facts panel: each recorded number under its source.
    assert "What the platform recorded for this period" in page
    assert re.search(r"Annual plan tasks Tasks completed: \d+ Tasks overdue: \d+", page)
    assert re.search(r"Directives from above Directives received: \d+ Completed on time: \d+", page)
    assert re.search(r"Responsibility list Responsibility items completed: \d+", page)
    # The author's text, section by section, and the reviewer's comment asking for more.
    assert "1. 本月工作完成情况" in page and "党员参加率95%" in page
    assert "2. 存在的问题" in page and "3. 下月工作打算" in page
    assert "Review comment: “存在的问题”写得较笼统" in page
    assert 'value="accept"' not in response.content.decode()  # already reviewed: nothing left to decide


def test_the_returned_report_waits_for_its_author(demo, client_for, english):
    report = Report.objects.get(period__requirement=demo, period__start=datetime.date(2026, 2, 1),
                                organization__code="HX-B01")
    response = client_for(User.objects.get(username="secretary1")).get(reverse("reports:report", args=[report.pk]))
    assert response.status_code == 200
    assert report.review_comment in response.content.decode()
