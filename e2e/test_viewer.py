"""The superior viewer sees the work, on a phone at 390 px: from the menu to the summary of its subtree (cards, no
sideways scrolling), then from a number to the list behind it, a requirement's status and a report handed in, read
only. Walked on the demo unit (`manage.py seed_demo`)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.portal.management.commands.seed_demo import DEMO_PASSWORD
from chuxin.reports.demo import MONTHLY
from chuxin.reports.models import Report
from e2e.conftest import PHONE_390

pytestmark = pytest.mark.e2e
PHONE_WIDTH = PHONE_390["viewport"]["width"]


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return _(message)


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", verbosity=0)


def assert_fits(page) -> None:
    scroll_width, inner_width = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert inner_width == PHONE_WIDTH, f"the page was zoomed out to {inner_width} px"
    assert scroll_width <= inner_width, f"the page scrolls sideways: {scroll_width} px in a {inner_width} px window"


def test_the_viewer_opens_the_summary_on_a_phone_and_follows_a_number_to_its_list(demo, open_page, login):
    phone = open_page(**PHONE_390)
    login(phone, "viewer", DEMO_PASSWORD)

    # From the menu (behind the toggler on a phone) to the summary.
    link = phone.locator("#cx-nav a[href='/summary/']")
    expect(link).to_be_hidden()
    phone.locator("button.navbar-toggler").click()
    expect(link).to_have_text(re.compile(zh("Work summary")))
    link.click()
    expect(phone).to_have_url(re.compile(r"/summary/$"))
    expect(phone.get_by_test_id("summary-org")).to_have_text("市国资委党委")
    assert_fits(phone)
    # One card a row on a phone, each inside the screen, with its headline.
    cards = phone.get_by_test_id("summary-cards").locator("section")
    expect(cards).to_have_count(4)
    boxes = [cards.nth(i).bounding_box() for i in range(4)]
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= PHONE_WIDTH + 0.5 for b in boxes), boxes
    assert len({round(b["x"]) for b in boxes}) == 1 and boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]

    # The reports filed on time: the demo's branches reported (one of them late).
    on_time = phone.get_by_test_id("number-reports_on_time")
    filed = Report.objects.filter(first_submitted_at__isnull=False).count()
    late = int(phone.get_by_test_id("number-reports_late").get_attribute("data-value"))
    expect(on_time).to_have_text(str(filed - late))
    assert late >= 1
    on_time.click()
    expect(phone).to_have_url(re.compile(r"/reports/requirements/$"))
    assert_fits(phone)
    expect(phone.get_by_role("link", name=zh("New requirement"))).to_have_count(0)  # reading, not setting
    phone.get_by_role("link", name=MONTHLY).click()

    # The requirement's status for the period, and a report handed in, read only.
    expect(phone.locator("#period-table")).to_be_visible()
    expect(phone.get_by_role("link", name=zh("Edit"))).to_have_count(0)
    phone.locator("#period-table").get_by_role("link", name=zh("View")).first.click()
    expect(phone).to_have_url(re.compile(r"/reports/\d+/$"))
    expect(phone.locator(".cx-report-text").first).to_be_visible()
    expect(phone.locator("textarea")).to_have_count(0)
