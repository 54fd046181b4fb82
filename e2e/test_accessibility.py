"""Accessible to members of every age (WCAG 2.1 AA): every main page passes axe-core for each kind of person at
desktop and phone size; htmx updates are announced in the page frame's live region and keep keyboard focus; the
directive matrix's refresh leaves focus alone; at 200 % text on a phone nothing is wider than the screen; a
keyboard-only journey records progress; the "large text" switch in "me" scales every page and is remembered.

axe runs by itself on every page a browser test loads (e2e/conftest.py, e2e/a11y.py); check_a11y is called here
after changes made without loading a page.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.accounts.models import User
from chuxin.directives.models import Directive, DirectiveRecipient
from chuxin.members.models import Member
from chuxin.orgs.models import Organization
from chuxin.plans.models import Plan, Task, TaskAssignment
from chuxin.portal.management.commands.seed_demo import DEMO_PASSWORD
from chuxin.reports.models import Report, ReportRequirement
from chuxin.responsibilities.models import ResponsibilityList
from e2e.a11y import check_a11y
from e2e.conftest import PHONE_390

pytestmark = pytest.mark.e2e
DESKTOP = {"viewport": {"width": 1366, "height": 860}}
SIZES = {"desktop": DESKTOP, "phone": PHONE_390}


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = _(message)
    return text % values if values else text


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", verbosity=0)


def _pages_for(username: str) -> list[str]:
    """The main pages each demo person reaches from the navigation, with one object of each kind they may open."""
    user = User.objects.get(username=username)
    year = timezone.localdate().year
    pc = Organization.objects.get(code="HX-PC")
    b1 = Organization.objects.get(code="HX-B01")
    plan = Plan.objects.get(organization=pc, year=year)
    mine = TaskAssignment.objects.filter(member__user=user).values_list("task_id", flat=True)
    task = Task.objects.filter(pk__in=mine).order_by("pk").first() or Task.objects.filter(
        plan_item__plan=plan).order_by("pk").first()
    directive = Directive.objects.filter(sender=pc).order_by("pk").first()
    received = DirectiveRecipient.objects.filter(organization=b1).order_by("pk").first()
    requirement = ReportRequirement.objects.filter(organization=pc).order_by("pk").first()
    report = Report.objects.filter(period__requirement=requirement).exclude(status="draft").order_by("pk").first()
    own = Member.objects.filter(user=user).first()
    rlist = ResponsibilityList.objects.filter(organization=b1).order_by("pk").first()
    common = ["/", "/workbench/", "/workbench/calendar/", "/notifications/", "/me/"]
    if username == "worker":
        member = Member.objects.filter(organization=b1).order_by("pk").first()
        return common + [
            "/members/", f"/members/{member.pk}/", "/members/new/", "/members/import/", "/orgs/", f"/orgs/{pc.pk}/",
            f"/orgs/{pc.pk}/rules/", f"/orgs/{b1.pk}/committee/", "/plans/", f"/plans/{plan.pk}/",
            f"/plans/tasks/{task.pk}/", "/directives/sent/", f"/directives/{directive.pk}/",
            "/reports/requirements/", f"/reports/requirements/{requirement.pk}/", f"/reports/{report.pk}/",
            "/responsibilities/", f"/responsibilities/overview/{pc.pk}/", f"/responsibilities/lists/{rlist.pk}/",
            "/audit/", "/summary/",
        ]
    if username == "secretary1":
        return common + [
            "/members/", f"/members/{own.pk}/", f"/plans/tasks/{task.pk}/", "/directives/",
            f"/directives/received/{received.pk}/", "/reports/", "/responsibilities/",
            f"/responsibilities/lists/{rlist.pk}/", f"/orgs/{b1.pk}/",
        ]
    if username == "viewer":
        return common + ["/summary/", "/reports/requirements/", f"/reports/requirements/{requirement.pk}/",
                         f"/reports/{report.pk}/", "/orgs/"]
    # A plain member: their own file, their tasks.
    return common + [f"/members/{own.pk}/", f"/plans/tasks/{task.pk}/", "/responsibilities/"]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("username", ["worker", "secretary1", "viewer", "member1"])
def test_every_main_page_passes_axe_for_each_person(demo, open_page, login, username, size):
    page = open_page(**SIZES[size])
    page.goto("/accounts/login/")  # the login page is checked too, as each page loaded is
    login(page, username, DEMO_PASSWORD)
    for path in _pages_for(username):
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        assert page.a11y_checked and page.a11y_checked[-1].endswith(path), (path, page.a11y_checked[-1:])
    # A form sent empty shows its errors tied to the fields: checked too (the worker's new-member form).
    if username == "worker":
        page.goto("/members/new/")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        # The first invalid field has focus, and its error is tied to it.
        first = page.locator("main [aria-invalid=true]").first
        expect(first).to_be_focused()
        error_id = first.get_attribute("aria-describedby").split()[-1]
        expect(page.locator(f"#{error_id}")).to_be_visible()
        check_a11y(page)


# What a person using the keyboard or a screen reader notices after an htmx update.
def _live_text(page) -> str:
    return page.get_by_test_id("live-region").inner_text().strip()


def _focused(page) -> str:
    """The focused element, told by its test id, id or tag: what a test compares."""
    return page.evaluate("""() => { const el = document.activeElement;
      return el ? (el.dataset.testid || el.id || el.tagName.toLowerCase()) : ""; }""")


def _assignee_task(username: str) -> Task:
    user = User.objects.get(username=username)
    return Task.objects.filter(assignments__member__user=user, confirmed_at__isnull=True, progress__lt=90).exclude(
        status=Task.Status.SUBMITTED).order_by("pk").first()


def test_after_an_htmx_update_the_live_region_says_what_happened_and_focus_stays_or_moves(demo, page, login):
    login(page, "secretary1", DEMO_PASSWORD)
    task = _assignee_task("secretary1")
    page.goto(f"/plans/tasks/{task.pk}/")
    live = page.get_by_test_id("live-region")
    expect(live).to_have_text("")
    assert page.locator("#cx-live[role=status][aria-live=polite]").count() == 1  # one region, in the frame

    # A refused update: the error is read out, tied to the field, and the field takes focus.
    progress = page.locator("#progress input[name=progress]")
    progress.fill("150")
    page.locator("#progress button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#progress input[name=progress]")).to_have_attribute("aria-invalid", "true")
    field = page.locator("#progress input[name=progress]")
    expect(field).to_be_focused()
    error_id = field.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).to_be_visible()
    expect(page.get_by_test_id("live-region")).to_contain_text(page.locator(f"#{error_id}").inner_text().strip())
    check_a11y(page)

    # A saved update: the live region says so and focus moves to the confirmation, the updated part of the page.
    field.fill("60")
    page.keyboard.press("Enter")
    saved = page.get_by_test_id("progress-saved")
    expect(saved).to_have_text(zh("Your progress has been recorded."))
    expect(live).to_have_text(zh("Your progress has been recorded."))
    expect(saved).to_be_focused()
    assert Task.objects.get(pk=task.pk).progress == 60
    check_a11y(page)

    # Notifications: the filter keeps focus on the link used, "mark all read" on its button, and says it was done.
    page.goto("/notifications/")
    page.get_by_test_id("show-unread").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"show=unread"))
    expect(page.get_by_test_id("show-unread")).to_have_attribute("aria-current", "true")
    expect(page.get_by_test_id("show-unread")).to_be_focused()
    page.get_by_test_id("mark-all-read").focus()
    page.keyboard.press("Enter")
    expect(live).to_have_text(zh("All notifications are marked read."))
    expect(page.get_by_test_id("mark-all-read")).to_be_focused()
    expect(page.locator("#cx-messages .alert-success")).to_contain_text(zh("All notifications are marked read."))
    check_a11y(page)


def test_marking_a_duty_done_moves_focus_to_the_duty_and_says_so(demo, page, login):
    login(page, "worker", DEMO_PASSWORD)
    b1 = Organization.objects.get(code="HX-B01")
    rlist = next(r for r in ResponsibilityList.objects.filter(organization=b1).order_by("pk")
                 if r.items.filter(done_at__isnull=True).exists())
    item = rlist.items.filter(done_at__isnull=True).order_by("pk").first()
    page.goto(f"/responsibilities/lists/{rlist.pk}/")
    row = page.locator(f"#item-{item.pk}")
    row.locator("input[name=note]").fill("已在支部大会上报告")
    row.locator("input[name=note]").press("Enter")
    expect(page.get_by_test_id("live-region")).to_have_text(zh("The duty is marked done."))
    expect(page.locator(f"#item-{item.pk}")).to_be_focused()  # the updated item: its form is gone
    check_a11y(page)


def test_the_matrix_refresh_leaves_focus_alone(demo, page, login):
    login(page, "worker", DEMO_PASSWORD)
    pc = Organization.objects.get(code="HX-PC")
    directive = Directive.objects.filter(sender=pc).order_by("pk").first()
    page.goto(f"/directives/{directive.pk}/")
    matrix = page.get_by_test_id("matrix")

    def refresh() -> None:
        # The matrix refreshes itself every 30 s; here at once, the same way (an htmx poll nobody asked for).
        with page.expect_response(re.compile(rf"/directives/{directive.pk}/\?")):
            page.evaluate("""() => { const m = document.getElementById("directive-matrix");
              m.setAttribute("hx-trigger", "every 200ms"); window.htmx.process(m); }""")
        page.wait_for_timeout(300)

    # Focus outside the matrix stays where it is...
    outside = page.locator("main a[href$='/export/']").first
    outside.focus()
    refresh()
    expect(outside).to_be_focused()
    assert _live_text(page) == ""  # and a refresh says nothing
    # ...and focus on a link inside it is given back to the same link in the new matrix, not to the page's top.
    link = matrix.locator("tbody a").first
    href = link.get_attribute("href")
    link.focus()
    refresh()
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == href
    assert page.evaluate("() => window.scrollY") >= 0 and _focused(page) != "body"
    check_a11y(page)


# Readable on phones.
SMALL_TEXT = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el || !el.getClientRects().length) continue;
    if (el.closest(".visually-hidden, .visually-hidden-focusable, [hidden], [aria-hidden=true]")) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || parseFloat(style.fontSize) >= 13.95) continue;
    small.push(`${el.tagName.toLowerCase()}.${el.className} ${style.fontSize}: ${walker.currentNode.textContent.trim().slice(0, 20)}`);
  }
  return small.slice(0, 10);
}"""

TOO_WIDE = """() => {
  const width = window.innerWidth, wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (!box.width || getComputedStyle(el).visibility !== "visible") continue;
    let scroller = el.parentElement;  // inside a box that scrolls sideways by design (a table), only the box counts
    while (scroller && !["auto", "scroll"].includes(getComputedStyle(scroller).overflowX)) scroller = scroller.parentElement;
    if (scroller && scroller !== document.body && scroller !== document.documentElement) continue;
    if (box.width > width + 1 || box.right > width + 1) wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.width)}px`);
  }
  return {wide: wide.slice(0, 10), scroll: document.scrollingElement.scrollWidth, width};
}"""


def _phone_pages() -> dict[str, str]:
    year = timezone.localdate().year
    pc = Organization.objects.get(code="HX-PC")
    task = _assignee_task("worker") or Task.objects.filter(plan_item__plan__organization=pc).first()
    requirement = ReportRequirement.objects.filter(organization=pc).order_by("pk").first()
    report = Report.objects.filter(period__requirement=requirement).exclude(status="draft").order_by("pk").first()
    return {
        "workbench": "/workbench/", "task": f"/plans/tasks/{task.pk}/", "members": "/members/",
        "report": f"/reports/{report.pk}/", "plan": f"/plans/{Plan.objects.get(organization=pc, year=year).pk}/",
    }


def test_on_a_phone_no_text_is_under_14px(demo, open_page, login):
    phone = open_page(**PHONE_390)
    login(phone, "worker", DEMO_PASSWORD)
    for name, path in _phone_pages().items():
        phone.goto(path)
        assert phone.evaluate(SMALL_TEXT) == [], name
    # Primary actions are at least 44 px tall on a phone: the task's "record progress", the login button.
    task = _assignee_task("worker")
    phone.goto(f"/plans/tasks/{task.pk}/")
    assert phone.locator("#progress button[type=submit]").bounding_box()["height"] >= 44


def test_on_a_phone_at_200_percent_text_nothing_is_wider_than_the_screen(demo, open_page, login):
    phone = open_page(**PHONE_390)
    login(phone, "worker", DEMO_PASSWORD)
    # The check itself finds an element wider than the screen.
    phone.evaluate("""() => { const wide = document.createElement("div"); wide.id = "cx-too-wide";
      wide.textContent = "x".repeat(200); wide.style.whiteSpace = "nowrap"; wide.style.width = "max-content";
      document.querySelector("main").append(wide); }""")
    assert any(w.startswith("div") for w in phone.evaluate(TOO_WIDE)["wide"])
    for name, path in _phone_pages().items():
        phone.goto(path)
        # 200 % text size: the browser's text-size setting doubles the root font size (every rem with it).
        phone.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
        phone.wait_for_timeout(50)
        found = phone.evaluate(TOO_WIDE)
        assert found["wide"] == [] and found["scroll"] <= found["width"], (name, found)
        # The sticky top bar stays one short line: it never takes more than a sixth of the screen.
        bar = phone.locator(".cx-topbar").bounding_box()
        assert bar["height"] <= PHONE_390["viewport"]["height"] / 6, (name, bar)
        check_a11y(phone)


def test_large_text_in_me_scales_every_page_and_is_remembered(demo, open_page, login, browser, live_server):
    phone = open_page(**PHONE_390)
    login(phone, "member1", DEMO_PASSWORD)
    phone.goto("/me/")
    root = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
    normal = phone.evaluate(root)
    switch = phone.get_by_test_id("large-text")
    expect(switch).not_to_be_checked()
    switch.check()
    phone.get_by_test_id("display-save").click()
    expect(phone.locator("#cx-messages")).to_contain_text(zh("Large text is on."))
    expect(phone.get_by_test_id("large-text")).to_be_checked()
    assert User.objects.get(username="member1").large_text
    assert phone.evaluate(root) >= normal * 1.2
    phone.goto("/workbench/")
    assert phone.evaluate(root) >= normal * 1.2  # every page, not only "me"
    assert phone.evaluate(TOO_WIDE)["wide"] == []

    # Remembered for the person: another device (a fresh browser) shows large text after logging in.
    desktop = open_page(**DESKTOP)
    login(desktop, "member1", DEMO_PASSWORD)
    assert desktop.evaluate(root) >= normal * 1.2
    desktop.goto("/me/")
    desktop.get_by_test_id("large-text").uncheck()
    desktop.get_by_test_id("display-save").click()
    expect(desktop.locator("#cx-messages")).to_contain_text(zh("Large text is off."))
    assert desktop.evaluate(root) == normal
    assert not User.objects.get(username="member1").large_text


def _tab_to(page, selector: str, *, limit: int = 80, shift: bool = False) -> None:
    """Press Tab (only the keyboard) until the element matching selector has focus."""
    for _step in range(limit):
        if page.evaluate("(s) => Boolean(document.activeElement && document.activeElement.matches(s))", selector):
            return
        page.keyboard.press("Shift+Tab" if shift else "Tab")
    raise AssertionError(f"{selector} not reached by {limit} presses of Tab on {page.url}")


@pytest.mark.parametrize("size", SIZES)
def test_keyboard_only_log_in_open_a_task_record_progress_and_read_the_confirmation(demo, open_page, size):
    page = open_page(**SIZES[size])
    page.goto("/accounts/login/")
    _tab_to(page, "input[name=identifier]")
    page.keyboard.type("secretary1")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/workbench/$"))
    # The first Tab stop skips the navigation straight to the content.
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    # One of the member's open tasks that the workbench shows: each group shows its soonest 20 (the rest behind
    # "show all"), so which ones depends on the day the demo is built (a month's first day brings new items).
    user = User.objects.get(username="secretary1")
    task = next(t for t in Task.objects.filter(
        assignments__member__user=user, confirmed_at__isnull=True, progress__lt=90).exclude(
        status=Task.Status.SUBMITTED).order_by("pk") if page.locator(f"main a[href='/plans/tasks/{t.pk}/']").count())
    _tab_to(page, f"main a[href='/plans/tasks/{task.pk}/']", limit=150)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(task.title)
    _tab_to(page, "#progress input[name=progress]", limit=150)
    page.keyboard.press("Control+A")
    page.keyboard.type("55")
    page.keyboard.press("Tab")
    expect(page.locator("#progress textarea[name=note]")).to_be_focused()
    page.keyboard.type("已完成一半")
    _tab_to(page, "#progress button[type=submit]")
    page.keyboard.press("Enter")
    saved = page.get_by_test_id("progress-saved")
    expect(saved).to_be_focused()  # the confirmation is where the keyboard is
    expect(saved).to_have_text(zh("Your progress has been recorded."))
    expect(page.get_by_test_id("live-region")).to_have_text(zh("Your progress has been recorded."))
    assert Task.objects.get(pk=task.pk).progress == 55
    check_a11y(page)


def test_the_audit_log_table_scrolls_by_keyboard(demo, open_page, login):
    phone = open_page(**PHONE_390)
    login(phone, "worker", DEMO_PASSWORD)
    phone.goto("/audit/")
    table = phone.get_by_test_id("audit-table")
    expect(table).to_have_attribute("tabindex", "0")
    expect(table).to_have_attribute("role", "region")
    assert table.get_attribute("aria-label")
    assert table.evaluate("(el) => el.scrollWidth > el.clientWidth")  # the log is wider than a phone
    table.focus()
    expect(table).to_be_focused()
    for _press in range(3):
        phone.keyboard.press("ArrowRight")
    phone.wait_for_function("(el) => el.scrollLeft > 0", arg=table.element_handle(), timeout=3000)
