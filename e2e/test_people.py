"""People, not role titles, in the browser: a Party-affairs worker creates logins for a branch's members in one go
and prints their account slips (at desktop and 390 px phone size), a member logs in with their slip; a secretary
gives a task to a member without a login, who is named as told through the secretary, and the secretary finds it
on their workbench to pass on."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.accounts.models import User
from chuxin.accounts.services import PASSWORD_ALPHABET
from chuxin.plans import services as plan_services
from chuxin.plans.models import Task, TaskAssignment
from chuxin.testing import give_member_files, make_member
from e2e.conftest import PHONE_390, pick_person

pytestmark = pytest.mark.e2e


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = _(message)
    return text % values if values else text


def assert_fits(page) -> None:
    scroll_width, inner_width = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, (scroll_width, inner_width)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_worker_creates_logins_for_a_branch_and_prints_the_slips(world, open_page, login, size):
    people = [make_member(world.b1, "张伟", phone="13500000001"), make_member(world.g1, "刘芳", male=False),
              make_member(world.b1, "陈静", male=False, phone="13500000003")]
    page = open_page(**PHONE_390) if size == "phone" else open_page(viewport={"width": 1366, "height": 860})
    login(page, "worker")
    page.goto(f"/orgs/{world.b1.pk}/")
    page.get_by_test_id("create-logins-link").click()
    expect(page).to_have_url(re.compile(rf"/members/logins/{world.b1.pk}/$"))
    expect(page.locator("h1")).to_have_text(zh("Create logins"))
    boxes = page.locator("[data-testid=logins-form] input[type=checkbox]")
    expect(boxes).to_have_count(3)  # 李四 has a login already
    for i in range(3):
        expect(boxes.nth(i)).to_be_checked()  # all ticked by default
    if size == "phone":
        assert_fits(page)
    page.get_by_test_id("create-logins").click()

    slips = page.get_by_test_id("slip")
    expect(slips).to_have_count(3)
    with translation.override("zh-hans"):
        created = translation.ngettext("%(n)s login created.", "%(n)s logins created.", 3) % {"n": 3}
    expect(page.get_by_test_id("logins-result")).to_have_text(created)
    if size == "phone":
        assert_fits(page)
    by_name = {}
    for i in range(3):
        slip = slips.nth(i)
        name = slip.locator(".cx-slip-name").inner_text()
        password = slip.get_by_test_id("one-time-password").inner_text()
        assert len(password) == 10 and set(password) <= set(PASSWORD_ALPHABET)
        expect(slip.get_by_test_id("site-url")).to_contain_text("http://")
        expect(slip).to_contain_text(zh("At this first login, choose your own password; the one-time password then "
                                        "stops working."))
        by_name[name] = (slip.get_by_test_id("login").inner_text(), password)
    assert set(by_name) == {"张伟", "刘芳", "陈静"}
    assert by_name["张伟"][0] == "13500000001" and by_name["刘芳"][0] == "liufang"
    assert all(User.objects.get(member=m).must_change_password for m in people)

    # Printed: only the slips, each whole, two across an A4 page.
    page.emulate_media(media="print")
    expect(page.locator(".cx-sidebar, .cx-topbar").first).to_be_hidden()
    expect(page.get_by_test_id("print")).to_be_hidden()
    expect(slips.first).to_be_visible()
    assert page.evaluate("() => getComputedStyle(document.querySelector('.cx-slip')).breakInside") == "avoid"
    page.emulate_media(media="screen")

    # 刘芳 logs in with her slip and must choose her own password first.
    page.context.clear_cookies()
    username, password = by_name["刘芳"]
    login(page, username, password, expect_ok=False)
    expect(page).to_have_url(re.compile(r"/accounts/password/"))


def test_a_task_goes_to_a_member_without_a_login_through_the_secretary(world, open_page, login):
    give_member_files(world)
    no_login = make_member(world.g1, "赵敏", male=False)
    today = timezone.localdate()
    plan = plan_services.plan_create(actor=world.secretary, organization=world.b1, year=today.year,
                                     title="第一支部年度计划", owner=world.secretary)
    item = plan_services.plan_item_create(actor=world.secretary, plan=plan, title="规范党员档案",
                                          area=plan.organization.plan_areas.get(name="组织建设"))
    page = open_page(viewport={"width": 1366, "height": 860})
    login(page, "secretary")
    page.goto(f"/plans/items/{item.pk}/tasks/new/")
    form = page.locator("main form")
    form.locator("input[name=title]").fill("整理党员档案")
    form.locator("input[name=start_on]").fill(f"{today:%Y-%m-%d}")
    form.locator("input[name=due_on]").fill(f"{today:%Y-%m-%d}")
    pick_person(form, "lead", "周建国")
    # The responsible person is found by the initials of her name and shown without a login.
    picker = form.locator(".cx-picker[data-cx-picker-for=responsible]")
    picker.locator("input[type=search]").fill("zm")
    expect(picker.locator(".form-check label")).to_have_text([f"赵敏 · 第一党小组 · {zh('no login')}"])
    picker.locator(".form-check input").check()
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/#task-\d+$"))
    task = Task.objects.get(title="整理党员档案")
    assert TaskAssignment.objects.get(task=task, role="responsible").member == no_login

    page.goto(f"/plans/tasks/{task.pk}/")
    expect(page.get_by_test_id("responsible")).to_contain_text("赵敏")
    expect(page.get_by_test_id("responsible").get_by_test_id("no-login")).to_have_text(
        zh("no login: told through the secretary"))
    expect(page.get_by_test_id("on-behalf-note")).to_be_visible()

    # Published, the secretary finds it on her workbench, on her phone, to pass on to 赵敏.
    plan_services.plan_publish(actor=world.secretary, plan=plan)
    phone = open_page(**PHONE_390)
    login(phone, "secretary")
    phone.goto("/workbench/")
    passing = phone.locator(f"a[href='/plans/tasks/{task.pk}/']",
                            has_text=zh("Tell %(person)s (no login): %(task)s", person="赵敏", task="整理党员档案"))
    expect(passing).to_be_visible()
    assert_fits(phone)
    # She records 赵敏's progress for her.
    passing.click()
    progress = phone.locator("#progress")
    progress.locator("input[name=progress]").fill("50")
    progress.locator("button[type=submit]").click()
    expect(phone.locator("#progress").get_by_test_id("progress-saved")).to_be_visible()
    assert Task.objects.get(pk=task.pk).progress == 50
