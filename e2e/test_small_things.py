"""Smaller things users noticed, walked on a 390 px phone: cooperating people are found by typing and ticked (not
Ctrl-clicked), a date outside the plan's year is questioned as it is picked, a progress update says it was
saved, the calendar shows the weeks ahead; and a task created by mistake is deleted after a question."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.plans import services as plan_services
from chuxin.plans.models import Task, TaskAssignment
from chuxin.testing import give_member_files, make_member, make_user
from e2e.conftest import PHONE_390, pick_person

pytestmark = pytest.mark.e2e
PHONE_WIDTH = PHONE_390["viewport"]["width"]


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = _(message)
    return text % values if values else text


def assert_fits(page) -> None:
    scroll_width, inner_width = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert inner_width == PHONE_WIDTH and scroll_width <= inner_width, (scroll_width, inner_width)


@pytest.fixture
def item(world):
    plan = plan_services.plan_create(actor=world.secretary, organization=world.b1, year=timezone.localdate().year,
                                     title="第一支部年度计划", owner=world.secretary)
    area = plan.organization.plan_areas.get(name="组织建设")
    return plan_services.plan_item_create(actor=world.secretary, plan=plan, area=area, title="落实“三会一课”制度")


def test_on_a_phone_the_secretary_finds_cooperating_people_by_typing_and_is_warned_of_a_date_in_another_year(
        world, item, open_page, login):
    give_member_files(world)
    # Enough people in the branch that a list would be long: members with logins.
    people = [make_user(f"m{i}", display_name=name) for i, name in enumerate(["王建国", "王芳", "李娜", "张伟", "刘洋"])]
    for user, name in zip(people, ["王建国", "王芳", "李娜", "张伟", "刘洋"], strict=True):
        make_member(world.b1, name, user=user)
    phone = open_page(**PHONE_390)
    login(phone, "secretary")
    phone.goto(f"/plans/items/{item.pk}/tasks/new/")
    assert_fits(phone)
    form = phone.locator("main form")

    # The cooperating people: a box to type in above checkboxes; the list itself is hidden and carries the choice.
    expect(form.locator("select[name=cooperating]")).to_be_hidden()
    picker = form.locator(".cx-picker[data-cx-picker-for=cooperating]")
    search = picker.locator("input[type=search]")
    expect(search).to_be_visible()
    expect(search).to_have_attribute("placeholder", zh("Type a name to find a person"))
    expect(phone.locator("label[for=id_cooperating-filter]")).to_have_count(1)  # the field's label names the box
    names = picker.locator(".form-check:visible")
    expect(names.nth(4)).to_be_visible()  # the first names arrive from the server as the form opens
    assert names.count() >= 5
    search.fill("王")
    expect(names).to_have_count(2)
    # Each person with their organization; asked of the server as the name is typed.
    expect(picker.locator(".form-check:visible label")).to_have_text(["王芳 · 第一支部", "王建国 · 第一支部"])  # pinyin order
    search.press("Enter")  # finding a name never sends the form
    expect(phone).to_have_url(re.compile(rf"/plans/items/{item.pk}/tasks/new/$"))
    picker.get_by_label("王芳").check()
    search.fill("李")
    picker.get_by_label("李娜").check()
    search.fill("")
    expect(picker.get_by_label("王芳")).to_be_checked()  # still ticked once the filter is cleared
    box = picker.locator(".cx-picker-list").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH

    # A due date in next year's January: questioned beside the field, not refused.
    year = timezone.localdate().year
    form.locator("input[name=title]").fill("制定全年党课计划")
    form.locator("input[name=start_on]").fill(f"{year}-12-01")
    warning = zh("This date is outside the plan's year (%(year)s).", year=year)
    expect(form.locator(".cx-year-warning:visible")).to_have_count(0)
    form.locator("input[name=due_on]").fill(f"{year + 1}-01-15")
    expect(form.locator(".cx-year-warning:visible")).to_have_text([warning])
    form.locator("input[name=due_on]").fill(f"{year}-12-31")
    expect(form.locator(".cx-year-warning:visible")).to_have_count(0)
    form.locator("input[name=due_on]").fill(f"{year + 1}-01-15")
    pick_person(form, "responsible", "吴丽")  # the committee member's file (give_member_files)
    form.locator("button[type=submit]").click()

    expect(phone).to_have_url(re.compile(r"/plans/\d+/#task-\d+$"))
    task = Task.objects.get(title="制定全年党课计划")
    assert task.due_on == datetime.date(year + 1, 1, 15)  # saved all the same
    cooperating = TaskAssignment.objects.filter(task=task, role=TaskAssignment.Role.COOPERATING)
    assert {a.member.name for a in cooperating.select_related("member")} == {"王芳", "李娜"}
    expect(phone.locator("main .alert-warning")).to_contain_text(f"{year + 1}-01-15")


def test_on_a_phone_a_progress_update_says_it_was_saved(world, item, open_page, login):
    task = plan_services.task_create(actor=world.secretary, plan_item=item, title="整理支部台账",
                                     start_on=timezone.localdate(), due_on=timezone.localdate(),
                                     responsible=world.member_user)
    phone = open_page(**PHONE_390)
    login(phone, "member")
    phone.goto(f"/plans/tasks/{task.pk}/")
    progress = phone.locator("#progress")
    expect(progress.get_by_test_id("progress-saved")).to_have_count(0)
    progress.locator("input[name=progress]").fill("30")
    progress.locator("button[type=submit]").click()
    saved = phone.locator("#progress").get_by_test_id("progress-saved")  # swapped in place by htmx
    expect(saved).to_have_text(zh("Your progress has been recorded."))
    # Read out by the page frame's live region, and focus moves to the confirmation (e2e/test_accessibility.py).
    expect(phone.get_by_test_id("live-region")).to_have_text(zh("Your progress has been recorded."))
    expect(saved).to_be_focused()
    assert Task.objects.get(pk=task.pk).progress == 30


def test_on_a_phone_the_calendar_lists_the_weeks_ahead(world, item, open_page, login):
    today = timezone.localdate()
    for days, title in ((-3, "三天前到期"), (0, "今天到期"), (20, "三周后到期"), (27, "四周内最后一天"), (35, "五周后到期")):
        plan_services.task_create(actor=world.secretary, plan_item=item, title=title,
                                  start_on=today + datetime.timedelta(days=min(days, 0) - 1),
                                  due_on=today + datetime.timedelta(days=days), responsible=world.member_user)
    plan_services.plan_publish(actor=world.secretary, plan=item.plan)
    phone = open_page(**PHONE_390)
    login(phone, "member")
    phone.goto("/workbench/calendar/")
    assert_fits(phone)
    days = phone.get_by_test_id("day-list")
    expect(days).to_be_visible()
    expect(phone.locator("table.cx-table-fixed")).to_be_hidden()  # the month grid is the desktop's
    end = today + datetime.timedelta(days=27)
    expect(days.get_by_test_id("coming-weeks")).to_have_text(
        zh("The next four weeks: %(start)s to %(end)s", start=f"{today:%m-%d}", end=f"{end:%m-%d}"))
    expect(days.locator("a")).to_have_text(["今天到期", "三周后到期", "四周内最后一天"])


def test_a_task_created_by_mistake_is_deleted_after_a_question(world, item, page, login):
    task = plan_services.task_create(actor=world.secretary, plan_item=item, title="误建的任务",
                                     start_on=timezone.localdate(), due_on=timezone.localdate())
    login(page, "secretary")
    page.goto(f"/plans/tasks/{task.pk}/")
    button = page.get_by_test_id("task-delete")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    button.click()
    page.wait_for_timeout(300)
    assert Task.objects.filter(pk=task.pk).exists()  # "no": nothing happens
    assert questions == [zh("Delete this task? Use this only for a task created by mistake; the audit log keeps a "
                            "record.")]
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        button.click()
    expect(page.locator("main .alert-success")).to_have_text(zh("The task “%(title)s” has been deleted.",
                                                               title="误建的任务"))
    assert not Task.objects.filter(pk=task.pk).exists()
