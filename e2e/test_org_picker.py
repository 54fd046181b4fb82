"""The organization picker at a scale where it searches (more than 200 organizations), on a 390 px phone inside
WeChat's browser: type a few characters, pick an organization from what the server found, send the form; and the
member list's organization filter, which narrows the list the moment an organization is picked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from chuxin.core.forms import SEARCH_SELECT_FEW
from chuxin.orgs.models import PartnerUnit
from chuxin.testing import make_member, many_branches
from e2e.conftest import PHONE_390, WECHAT_UA

pytestmark = pytest.mark.e2e


def test_type_pick_and_send_on_a_phone(open_page, login, world):
    many_branches(world.pc, SEARCH_SELECT_FEW + 20)
    page = open_page(**PHONE_390, user_agent=WECHAT_UA)
    login(page, "worker")
    page.goto("/orgs/partners/new/")
    select = page.locator("select[name=host]")
    expect(select.locator("option")).to_have_count(1)  # only the empty choice: no 220 options on a phone
    box = page.locator("input#id_host_search")
    expect(box).to_be_visible()
    label = page.locator("label[for=id_host_search]")
    expect(label).to_be_visible()

    box.press_sequentially("片区21", delay=60)  # typed, as a person does; htmx waits for a pause
    expect(select.locator("option", has_text="片区210支部")).to_have_count(1)
    found = select.locator("option[value]:not([value=''])")
    expect(found).to_have_count(10)  # 片区210 .. 片区219
    expect(page.locator("#id_host_search_note")).to_contain_text("10")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE_390["viewport"]["width"]

    box.press("Enter")  # goes on to the list, never sends the form half-filled
    expect(select).to_be_focused()
    select.select_option(label="片区213支部 · 基层党委")
    page.locator("input[name=name]").fill("共建医院")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    partner = PartnerUnit.objects.get(name="共建医院")
    assert partner.host.name == "片区213支部"
    expect(page.locator("main")).to_contain_text("片区213支部")


def test_the_member_list_filter_picks_by_search(page, login, world):
    many_branches(world.pc, SEARCH_SELECT_FEW + 20)
    make_member(world.b2, "赵六")
    login(page, "worker")
    page.goto("/members/")
    box = page.locator("input#id_organization_search")
    box.press_sequentially("第二", delay=60)
    select = page.locator("select[name=organization]")
    expect(select.locator("option", has_text="第二支部")).to_have_count(1)
    select.select_option(label="第二支部 · 基层党委")  # the list's form sends itself on a change
    expect(page).to_have_url(re.compile(rf"organization={world.b2.pk}"))
    results = page.locator("#member-results")
    expect(results).to_contain_text("赵六")
    expect(results).not_to_contain_text("李四")
