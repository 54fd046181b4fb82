"""The pages under the Content-Security-Policy (no inline script or style): htmx still swaps, the behaviours that
were inline handlers (a select that submits its form, a form that asks first) work from chuxin.js, and nothing
is refused (every page fixture fails a test on a policy violation reported by the browser)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from chuxin.orgs.models import Organization
from chuxin.orgs.services import organization_create
from chuxin.plans.models import Plan

pytestmark = pytest.mark.e2e


def test_the_policy_is_sent_and_htmx_works_under_it(page, login, world):
    login(page, "worker")
    response = page.goto("/orgs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("htmx.config.allowEval") is False
    page.locator("#org-tree li[data-org=PC] > button.cx-toggle").click()  # an htmx GET, swapped in
    expect(page.locator("#org-tree li[data-org=PC] li[data-org=B1]")).to_be_visible()
    # The badge loaded by htmx on load: its label (for screen readers) is only in what the badge view answers.
    expect(page.get_by_test_id("bell").get_by_test_id("bell-label")).to_have_count(1)


def test_a_form_that_asks_first_is_sent_only_when_confirmed(page, login, world):
    empty = organization_create(actor=None, parent=world.pc, name="待撤销支部", code="GONE",
                                kind=Organization.Kind.BRANCH)
    login(page, "worker")
    page.goto(f"/orgs/{empty.pk}/")
    button = page.locator(f"form[action='/orgs/{empty.pk}/deactivate/'] button")
    page.once("dialog", lambda dialog: dialog.dismiss())  # "Deactivate this organization?" - no
    button.click()
    page.wait_for_timeout(300)
    empty.refresh_from_db()
    assert empty.is_active
    page.once("dialog", lambda dialog: dialog.accept())  # yes
    with page.expect_navigation():
        button.click()
    empty.refresh_from_db()
    assert not empty.is_active


def test_a_select_that_submits_its_form(page, login, world):
    for year in (2025, 2026):
        Plan.objects.create(organization=world.b1, year=year, title=f"{year}年计划", owner=world.secretary)
    login(page, "secretary")
    page.goto("/plans/")
    with page.expect_navigation():
        page.locator("select[name=year]").select_option("2025")
    expect(page).to_have_url(re.compile(r"/plans/\?year=2025$"))
    expect(page.locator("main")).to_contain_text("2025年计划")
    expect(page.locator("main")).not_to_contain_text("2026年计划")
