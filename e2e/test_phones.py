"""Phones first: the key tables as cards at 390 px, the bottom bar, where each person lands after login, and the
hint inside WeChat's browser. Walked on the demo unit (`manage.py seed_demo`), as the first users saw it.

A card "fits" when the document does not scroll sideways (document.scrollingElement.scrollWidth <= the window's
width, and the window is still the phone's 390 px: a mobile browser that zooms out to fit an overflowing page
would widen it) and when its state, due date and next action are visible inside the screen's width.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.accounts.models import User
from chuxin.directives.demo import SELF_CHECK
from chuxin.directives.models import Directive
from chuxin.notifications.models import Notification
from chuxin.orgs.models import Organization
from chuxin.plans.models import STATE_LABELS, Plan, Task, TaskAssignment
from chuxin.portal.management.commands.seed_demo import DEMO_PASSWORD
from chuxin.responsibilities.models import ResponsibilityList
from chuxin.responsibilities.views import PAGE_SIZE as OVERVIEW_PAGE_SIZE
from chuxin.workbench.selectors import my_items
from e2e.conftest import PHONE_390, WECHAT_UA

pytestmark = pytest.mark.e2e
PHONE_WIDTH = PHONE_390["viewport"]["width"]


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = _(message)
    return text % values if values else text


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", verbosity=0)


def assert_fits(page) -> None:
    scroll_width, inner_width = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert inner_width == PHONE_WIDTH, f"the page was zoomed out to {inner_width} px"
    assert scroll_width <= inner_width, f"the page scrolls sideways: {scroll_width} px in a {inner_width} px window"


def assert_on_screen(locator) -> None:
    """Visible and whole inside the phone's width (not cut off, not behind a sideways scroll)."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH + 0.5, box


def path_of(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def test_on_a_phone_the_plan_the_directive_matrix_and_the_overview_are_cards(demo, open_page, login):
    phone = open_page(**PHONE_390)
    worker = User.objects.get(username="worker")
    login(phone, "worker", DEMO_PASSWORD)
    assert path_of(phone) == "/workbench/"  # the worker has tasks and confirmations waiting

    # The plan's decomposition: one card per task with its state, people, due date, progress and next step.
    plan = Plan.objects.get(organization__code="HX-PC", year=timezone.localdate().year)
    phone.goto(f"/plans/{plan.pk}/")
    assert_fits(phone)
    tasks = list(Task.objects.filter(plan_item__plan=plan).order_by("id"))
    mine = set(TaskAssignment.objects.filter(member__user=worker).values_list("task_id", flat=True))
    assert len(tasks) >= 10 and {t.state for t in tasks} >= {"done", "to_confirm", "overdue", "due_soon", "open"}
    for task in tasks:
        expect(phone.locator(f"tr#task-{task.pk}")).to_be_hidden()  # the desktop table
        card = phone.locator(f"[data-testid=task-card][data-task='{task.pk}']")
        expect(card.locator(".cx-item-title")).to_have_text(task.title)
        state = card.locator("[data-state]")
        assert_on_screen(state)
        expect(state).to_have_attribute("data-state", task.state)
        expect(state).to_have_text(zh(str(STATE_LABELS[task.state])))
        assert_on_screen(card.locator("[data-due]"))
        expect(card.locator("[data-due]")).to_have_text(zh("Due: %(date)s", date=f"{task.due_on:%Y-%m-%d}"))
        expect(card.locator("[role=progressbar]")).to_have_attribute("aria-valuenow", str(task.progress))
        responsible = task.assignments.get(role=TaskAssignment.Role.RESPONSIBLE).member
        expect(card).to_contain_text(zh("Responsible: %(name)s", name=str(responsible)))
        action = card.get_by_test_id("next-action")
        assert_on_screen(action)
        if task.status == Task.Status.SUBMITTED:  # the worker manages the committee: confirming is theirs
            expected = zh("Confirm completion")
        elif task.pk in mine and task.status in (Task.Status.OPEN, Task.Status.IN_PROGRESS):
            expected = zh("Record progress")
        else:
            expected = zh("View")
        expect(action).to_have_text(re.compile(rf"^\s*{re.escape(expected)}\s*$"))
    submitted = next(t for t in tasks if t.status == Task.Status.SUBMITTED)
    phone.locator(f"[data-task='{submitted.pk}']").get_by_test_id("next-action").click()
    expect(phone).to_have_url(re.compile(rf"/plans/tasks/{submitted.pk}/$"))
    expect(phone.locator("form[action$='/confirm/'] button")).to_be_visible()

    # The directive matrix: one card per recipient; the answers read as sentences, the one behind stands out.
    directive = Directive.objects.get(title=SELF_CHECK)
    phone.goto(f"/directives/{directive.pk}/")
    assert_fits(phone)
    rows = list(directive.recipients.select_related("organization", "completed_by").order_by("organization__path"))
    assert {r.state for r in rows} == {"completed", "sent"}
    for row in rows:
        expect(phone.locator(f"tr[data-org='{row.organization.code}']")).to_be_hidden()
        card = phone.get_by_test_id("recipient-card").and_(phone.locator(f"[data-org='{row.organization.code}']"))
        expect(card.locator(".cx-item-title")).to_have_text(row.organization.name)
        assert_on_screen(card.locator("[data-state]"))
        expect(card.locator("[data-state]")).to_have_attribute("data-state", row.state)
        expect(card.locator("[data-due]")).to_have_text(zh("Due: %(date)s", date=f"{directive.due_on:%Y-%m-%d}"))
        action = card.get_by_test_id("next-action")
        assert_on_screen(action)
        expect(action).to_have_attribute("href", f"/directives/received/{row.pk}/")
        if row.state == "completed":
            when = timezone.localtime(row.completed_at).strftime("%Y-%m-%d %H:%M")
            expect(card).to_contain_text(zh("Completed %(when)s by %(name)s", when=when, name=str(row.completed_by)))
            answer = card.locator("details summary")
            assert_on_screen(answer)
            assert answer.bounding_box()["width"] > PHONE_WIDTH / 2  # a line of text, not three characters a line
            expect(card.locator("[data-behind]")).to_have_count(0)
        else:
            expect(card.locator("[data-behind]")).to_have_text(zh("behind"))
            expect(card).to_have_class(re.compile(r"\bcx-item-card-danger\b"))

    # The responsibility overview: one card per list, the holder and its open duties first, short enough to scroll.
    phone.goto("/responsibilities/overview/")
    assert_fits(phone)
    cards = phone.get_by_test_id("list-card")
    lists = ResponsibilityList.objects.filter(year=timezone.localdate().year).count()
    expect(cards).to_have_count(min(lists, OVERVIEW_PAGE_SIZE))
    expect(phone.locator("#overview-table table")).to_be_hidden()
    for i in range(cards.count()):
        card = cards.nth(i)
        assert_on_screen(card.locator(".badge[data-state]"))
        expect(card.locator("[data-due]")).to_have_text(zh("Due: end of %(year)s", year=timezone.localdate().year))
        assert_on_screen(card.get_by_test_id("next-action"))
        expect(card.get_by_test_id("next-action")).to_have_attribute(
            "href", re.compile(r"^/responsibilities/lists/\d+/$"))
    first = cards.first
    expect(first.locator("ul li").first).to_be_visible()  # the most behind list's first open duty
    for i in range(cards.count()):  # three open duties at most, the rest counted: a card is a screenful at most
        assert cards.nth(i).bounding_box()["height"] < PHONE_390["viewport"]["height"] / 2
    first.get_by_test_id("next-action").click()
    expect(phone).to_have_url(re.compile(r"/responsibilities/lists/\d+/$"))


def test_the_bottom_bar_on_a_phone_and_where_each_person_lands(demo, open_page, page, login):
    phone = open_page(**PHONE_390)
    secretary = User.objects.get(username="secretary1")
    waiting = len(my_items(secretary))
    unread = Notification.objects.filter(recipient=secretary, read_at__isnull=True).count()
    assert waiting and unread  # the demo gives the branch secretary work and news

    login(phone, "secretary1", DEMO_PASSWORD)
    assert path_of(phone) == "/workbench/"  # a secretary with open work lands on the workbench
    bar = phone.get_by_test_id("bottombar")
    assert_on_screen(bar)
    box = bar.bounding_box()
    assert abs(box["y"] + box["height"] - PHONE_390["viewport"]["height"]) < 1  # on the screen's bottom edge
    bench = bar.get_by_test_id("bottombar-workbench")
    expect(bench).to_contain_text(zh("Workbench"))
    expect(bench.locator(".badge")).to_have_text(str(waiting) if waiting <= 99 else "99+")
    expect(bench).to_have_class(re.compile(r"\bactive\b"))
    news = bar.get_by_test_id("bottombar-notifications")
    expect(news.locator(".badge")).to_contain_text(str(unread))
    # The page keeps room for the bar: the last line of a page is never hidden behind it.
    padding = phone.evaluate("() => parseFloat(getComputedStyle(document.body).paddingBottom)")
    assert padding >= box["height"]

    news.click()
    expect(phone).to_have_url(re.compile(r"/notifications/$"))
    expect(phone.get_by_test_id("bottombar-notifications")).to_have_class(re.compile(r"\bactive\b"))
    phone.get_by_test_id("bottombar-me").click()
    expect(phone).to_have_url(re.compile(r"/me/$"))
    expect(phone.get_by_test_id("bottombar-me")).to_have_attribute("aria-current", "page")
    phone.get_by_test_id("bottombar-workbench").click()
    expect(phone).to_have_url(re.compile(r"/workbench/$"))

    # The viewer has no work of their own: they land on the home page of their organizations.
    viewer = User.objects.get(username="viewer")
    assert not my_items(viewer)
    other = open_page(**PHONE_390)
    login(other, "viewer", DEMO_PASSWORD)
    assert path_of(other) == "/"
    expect(other.get_by_test_id("bottombar")).to_be_visible()

    # On a desktop the side navigation stays and there is no bottom bar.
    login(page, "secretary1", DEMO_PASSWORD)
    expect(page.get_by_test_id("bottombar")).to_be_hidden()
    expect(page.locator("#cx-nav a[href='/workbench/']")).to_be_visible()


def test_inside_wechat_a_hint_shows_next_to_the_calendar_link_and_the_export(demo, open_page, login):
    wechat = open_page(**PHONE_390, user_agent=WECHAT_UA)
    login(wechat, "secretary1", DEMO_PASSWORD)
    wechat.goto("/workbench/feed/")
    wechat.locator("main form button").click()  # the link is shown once, when it is made
    hint = wechat.get_by_test_id("wechat-hint")
    expect(hint).to_have_count(1)
    assert_on_screen(hint)
    expect(hint).to_contain_text(zh(
        "WeChat's browser cannot subscribe to calendars. Tap “···” at the top right, choose “Open in browser”, "
        "then subscribe there."))
    # Next to the subscription link, which stays there for whoever opens the page in the system browser.
    expect(wechat.locator("[data-testid=wechat-hint] + div a[href^='webcal://']")).to_have_count(1)
    hint.locator(".btn-close").click()  # read, and put away
    expect(hint).to_have_count(0)
    expect(wechat.locator("a[href^='webcal://']")).to_be_visible()

    worker = open_page(**PHONE_390, user_agent=WECHAT_UA)
    login(worker, "worker", DEMO_PASSWORD)
    plan = Plan.objects.get(organization__code="HX-PC", year=timezone.localdate().year)
    worker.goto(f"/plans/{plan.pk}/")
    expect(worker.get_by_test_id("wechat-hint")).to_contain_text(zh(
        "WeChat's browser cannot download files. Tap “···” at the top right, choose “Open in browser”, "
        "then download there."))
    assert_fits(worker)

    # Any other browser downloads and subscribes: no hint.
    plain = open_page(**PHONE_390)
    login(plain, "secretary1", DEMO_PASSWORD)
    plain.goto("/workbench/feed/")
    plain.locator("main form button").click()
    expect(plain.locator("a[href^='webcal://']")).to_be_visible()
    expect(plain.get_by_test_id("wechat-hint")).to_have_count(0)


def test_on_a_phone_a_worker_sets_a_rule_for_the_committee_and_its_branches_see_it(demo, open_page, login):
    phone = open_page(**PHONE_390)
    login(phone, "worker", DEMO_PASSWORD)
    committee = Organization.objects.get(code="HX-PC")
    branch = Organization.objects.get(code="HX-B01")
    phone.goto(f"/orgs/{committee.pk}/rules/")
    assert_fits(phone)
    expect(phone.locator("table").first).to_be_hidden()  # the desktop table; the phone gets one card per rule
    minimum = phone.locator("[data-testid=rule-card][data-rule=branch_min_full_members]")
    expect(minimum.locator("[data-value]")).to_have_text("3" + zh("full members"))
    expect(minimum.locator("[data-source=statutory]")).to_have_text(zh("Set by the regulations"))
    expect(minimum.locator("form")).to_have_count(0)  # what the regulations fix has no form

    card = phone.locator("[data-testid=rule-card][data-rule=term_warning_days]")
    expect(card.locator("[data-source=default]")).to_be_visible()
    card.locator("input[name=value]").fill("120")
    card.locator("input[name=reason]").fill("提前四个月准备换届")
    assert_on_screen(card.locator("button", has_text=zh("Set")))
    with phone.expect_navigation():
        card.locator("button", has_text=zh("Set")).click()
    expect(phone.locator(".alert-success")).to_contain_text(
        zh("The rule has been set for this organization and everything under it."))
    card = phone.locator("[data-testid=rule-card][data-rule=term_warning_days]")
    expect(card.locator("[data-value]")).to_have_text("120" + zh("days"))
    expect(card.locator("[data-source=here]")).to_be_visible()
    expect(card).to_contain_text("提前四个月准备换届")
    assert_fits(phone)

    phone.goto(f"/orgs/{branch.pk}/rules/")
    card = phone.locator("[data-testid=rule-card][data-rule=term_warning_days]")
    expect(card.locator("[data-value]")).to_have_text("120" + zh("days"))
    expect(card.locator("[data-source=above]")).to_have_text(zh("Set at %(name)s", name=committee.name))
    assert_fits(phone)
