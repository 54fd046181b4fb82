"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

The sync Playwright API runs an asyncio loop in the test thread; Django refuses ORM calls from a thread with a
running loop unless told it is safe, which it is here (the loop only drives the browser).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.a11y import assert_no_a11y_violations, watch_a11y

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
E2E_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    # Every test under e2e/ is a browser test, whether or not its module says so.
    for item in items:
        if E2E_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


def _chromium_missing() -> str | None:
    if Path(CHROMIUM).exists():
        return None
    reason = f"Chromium not found at {CHROMIUM} (install Debian's package: apt-get install chromium)"
    if os.environ.get("CHUXIN_E2E_REQUIRED"):
        pytest.fail(reason + "; CHUXIN_E2E_REQUIRED is set, so the browser tests may not be skipped.")
    return reason


@pytest.fixture(scope="session")
def browser() -> Iterator:
    reason = _chromium_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, live_server, **context_options):
    # zh-CN so that LocaleMiddleware picks the default Chinese UI, as for a real user in China.
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", accept_downloads=True, **context_options
    )
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    page = context.new_page()
    # Everything the Content-Security-Policy refuses (an inline script or style, eval in htmx) is reported on the
    # console; a journey that passes with such a refusal may only work by luck, so every page watches for them.
    page.csp_violations = []
    page.on("console", lambda message: page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    # Every page the test loads is checked by axe-core for WCAG 2.1 AA (e2e/a11y.py); what it finds fails the test.
    watch_a11y(page)
    return context, page


def _no_csp_violations(page) -> None:
    assert not page.csp_violations, "refused by the Content-Security-Policy:\n" + "\n".join(page.csp_violations)


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A desktop-sized page in a fresh browser context (no cookies), with base_url set to the live server."""
    context, page = _new_page(browser, live_server, viewport={"width": 1366, "height": 860})
    yield page
    _finish(context, page)


@pytest.fixture
def phone_page(browser, live_server) -> Iterator:
    """A phone-sized page (375x740, touch), as a member on their phone sees the platform."""
    context, page = _new_page(
        browser, live_server, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    yield page
    _finish(context, page)


def _finish(context, page) -> None:
    """Check the page as the test left it, close its context, then fail on anything axe or the policy reported."""
    try:
        assert_no_a11y_violations(page)
    finally:
        context.close()
        _no_csp_violations(page)


PHONE_390 = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
    "MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN"
)


@pytest.fixture
def open_page(browser, live_server) -> Iterator:
    """open_page(**context options) -> a page in its own fresh context: open_page(**PHONE_390) is a 390 px phone,
    open_page(**PHONE_390, user_agent=WECHAT_UA) the same phone inside WeChat's browser."""
    opened = []

    def make(**options):
        context, page = _new_page(browser, live_server, **options)
        opened.append((context, page))
        return page

    yield make
    failures = []
    for context, page in opened:
        try:
            _finish(context, page)
        except AssertionError as failure:
            failures.append(str(failure))
    assert not failures, "\n".join(failures)


@pytest.fixture
def login(live_server):
    """login(page, username, password=PASSWORD): fill the login form and submit it, as a person does."""
    from chuxin.testing import PASSWORD

    def do_login(page, username: str, password: str = PASSWORD, *, expect_ok: bool = True):
        if "/accounts/login/" not in page.url:
            page.goto("/accounts/login/")
        form = page.locator("form:has(input[name=identifier])")
        form.locator("input[name=identifier]").fill(username)
        form.locator("input[name=password]").fill(password)
        # The submit button, not its text: it reads 登录 or "Log in" depending on the translations.
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        if expect_ok:
            assert "/accounts/login/" not in page.url, f"login as {username} failed: {page.url}"
        return page

    return do_login


def pick_person(form, field: str, name: str) -> None:
    """In a task form's people picker (lead, responsible or cooperating), type the name and tick the person, as a
    secretary does: the picker asks the server for the members matching what was typed."""
    picker = form.locator(f".cx-picker[data-cx-picker-for={field}]")
    picker.locator("input[type=search]").fill(name)
    picker.locator(".form-check", has_text=name).first.locator("input[type=checkbox]").check()
