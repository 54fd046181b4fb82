"""The member list at scale, walked in Chromium: a surname, a name anywhere, and paging by key (Next, Previous,
First page), on a desktop and on a 390 px phone."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from chuxin.members import views
from chuxin.testing import make_member

pytestmark = pytest.mark.e2e


def crowd(world) -> None:
    born = datetime.date(1980, 1, 1)
    for i, name in enumerate(["张伟", "张敏", "章华", "李张伟", "王芳", "张建国", "刘伟", "陈伟"]):
        make_member(world.b1, name, born=born + datetime.timedelta(days=i))


def count_is(page, n: int) -> None:
    expect(page.get_by_test_id("member-count")).to_have_text(re.compile(rf"^\D*{n}\D*$"))


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_surname_anywhere_and_pages_by_key(page, login, world, monkeypatch, size):
    if size == "phone":
        page.set_viewport_size({"width": 390, "height": 844})
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    crowd(world)
    login(page, "secretary")
    page.goto("/members/")
    count_is(page, 9)  # the crowd and 李四

    page.locator("input[name=q]").fill("张")
    page.locator("input[name=q]").press("Enter")
    count_is(page, 3)  # the surname: 张伟, 张敏, 张建国 (not 章华, not 李张伟)
    results = page.locator("#member-results tbody")
    expect(results).not_to_contain_text("李张伟")

    page.locator("input[name=q]").fill("伟")
    page.locator("input[name=contains]").check()
    page.locator("input[name=q]").press("Enter")
    count_is(page, 4)  # anywhere: 张伟, 李张伟, 刘伟, 陈伟
    expect(page).to_have_url(re.compile(r"contains=on"))

    # Three a page: Next, Next again, then Previous comes back to the same rows.
    page.goto("/members/")
    first = page.locator("#member-results tbody tr").all_inner_texts()
    page.locator("[data-testid=member-pages] a[rel=next]").click()
    second = page.locator("#member-results tbody tr").all_inner_texts()
    assert second and set(second).isdisjoint(first)
    page.locator("[data-testid=member-pages] a[rel=next]").click()
    page.locator("[data-testid=member-pages] a[rel=prev]").click()
    assert page.locator("#member-results tbody tr").all_inner_texts() == second
