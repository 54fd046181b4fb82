"""Every page, read in Chinese, is Chinese: no stray English, no internal codes, Chinese punctuation.

The demo unit is seeded (the same data `make run` shows) and each of four people (the Party-affairs worker, a
branch secretary, a plain member, the superior viewer) walks the site from every page that needs no object,
following the links and htmx fragments the pages offer, with `Accept-Language: zh-hans`. Of each HTML page the
visible text is kept (scripts, styles, tags and attribute values dropped; the attributes a person reads, such as
`title`, `placeholder` and `aria-label`, kept) and searched for

- ASCII words (two or more Latin letters) that are not in ALLOWED: proper nouns, units, the demo's login names,
  and things a person typed that are written in Latin letters (addresses, organization codes);
- internal codes: periods written as "2026 Q4", "2026 H1" or "2026-11", the empty-set sign;
- half-width colons after Chinese text.

Which pages exist comes from the URL conf through the role matrix's table (chuxin/core/tests/test_role_matrix.py):
every route it tries with GET must be reached by someone here, except the few that are not pages (NOT_PAGES).
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from chuxin.accounts.models import User
from chuxin.core.tests.test_role_matrix import EXPECT

PEOPLE = {"worker": "worker", "secretary": "secretary1", "member": "member1", "viewer": "viewer"}
# Proper nouns and units that stay in Latin letters in Chinese text, and the demo's login names (a person's login
# is shown as it is typed).
ALLOWED = {
    "Excel", "PDF", "Word", "WPS", "iCalendar", "iPhone", "iOS", "Android", "Outlook", "Google", "Apple",
    "ID", "MB", "KB", "QR", "PNG", "JPG", "JPEG", "ZIP", "HTTP", "HTTPS", "URL", "CSV", "XLSX", "DOCX",
    *PEOPLE.values(), "committee1", "admin",
}
NOT_PAGES = {
    "healthz", "set_language", "accounts:logout",  # not pages, or not in Chinese by nature
    "members:export", "members:import-template", "plans:export",  # spreadsheets
    "plans:attachment", "workbench:feed",  # files
    "notifications:open",  # a redirect
}
PAGES_PER_NAME = 3  # the same view with other objects adds little but time
SKIP_PREFIXES = ("/static/", "/media/", "/i18n/", "/accounts/logout/")

WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.@/:+-]*[A-Za-z0-9]|[A-Za-z]")
CODES = [
    (re.compile(r"(?<![A-Za-z0-9])[QH][1-4](?![A-Za-z0-9])"), "a period written as a code"),
    (re.compile(r"(?<![\d/-])\d{4}-\d{1,2}(?![\d/-])"), "a year and month written as a code"),
    (re.compile("∅"), "the empty-set sign"),
    (re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef] ?:(?!//)"), "a half-width colon in Chinese text"),
]
READ_ATTRIBUTES = re.compile(r"""\s(?:title|placeholder|aria-label|alt)\s*=\s*("[^"]*"|'[^']*')""", re.I)


def visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|template)\b.*?</\1\s*>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    attributes = " ".join(m.group(1)[1:-1] for m in READ_ATTRIBUTES.finditer(page))
    text = re.sub(r"(?s)<[^>]*>", " ", page)
    return html.unescape(f"{text} {attributes}")


def allowed(word: str) -> bool:
    if word in ALLOWED or len(re.sub(r"[^A-Za-z]", "", word)) < 2:
        return True
    if re.fullmatch(r"[A-Z0-9]+(?:-[A-Z0-9]+)+", word):  # an organization's code: HX-B01, SASAC-PC
        return True
    if "@" in word or re.match(r"(?:https?|webcal)://", word) or word.startswith("/"):  # typed addresses
        return True
    return False


def problems(text: str) -> list[str]:
    """What is wrong with a page's text, each with the words around it."""
    found = [(m, "English word") for m in WORD.finditer(text) if not allowed(m.group(0))]
    for pattern, what in CODES:
        found += [(m, what) for m in pattern.finditer(text)]
    return [f"{what} {m.group(0)!r} in “{' '.join(text[max(0, m.start() - 25):m.end() + 25].split())}”"
            for m, what in found]


def url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


LINK = re.compile(r"""\s(?:href|hx-get)\s*=\s*["']([^"'#]+)["']""")


def links(page: str) -> list[str]:
    found = []
    for raw in LINK.findall(page):
        url = html.unescape(raw)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def start_pages() -> list[str]:
    """Every page that needs no object."""
    pages = []
    for name in sorted(EXPECT):
        if name in NOT_PAGES or not any(route.method == "get" for route in EXPECT[name]):
            continue
        try:
            pages.append(reverse(name))
        except NoReverseMatch:
            continue
    return pages


def walk(client: Client) -> tuple[dict[str, list[str]], set[str]]:
    """{url: problems} for every HTML page reached, and the URL names reached."""
    queue, seen, per_name = start_pages(), set(), defaultdict(int)
    report: dict[str, list[str]] = {}
    reached: set[str] = set()
    while queue:
        url = queue.pop(0)
        name = url_name(url.split("?")[0])
        if url in seen or name is None or name in NOT_PAGES or per_name[name] >= PAGES_PER_NAME:
            continue
        seen.add(url)
        per_name[name] += 1
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        reached.add(name)
        page = response.content.decode()
        text = visible_text(page)
        found = problems(text)
        if found:
            report[url] = found
        queue += [link for link in links(page) if link not in seen]
    return report, reached


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_every_page_reads_in_chinese(demo):
    failures, reached = [], set()
    for person, username in PEOPLE.items():
        report, names = walk(client_for(username))
        reached |= names
        failures += [f"{person} {url}: {p}" for url, found in report.items() for p in found]
    assert not failures, "\n".join(failures)
    pages = {name for name, routes in EXPECT.items() if any(r.method == "get" for r in routes)} - NOT_PAGES
    assert not pages - reached, f"pages nobody reached: {sorted(pages - reached)}"


@pytest.mark.parametrize("text", [
    "状态: 已完成", "2026 Q4 报告", "2026年 H1", "日历 2026-11", "接收单位：∅ → 3", "状态 open", "field：citizen_id",
])
def test_the_scan_catches_what_it_is_for(text):
    assert problems(text)


@pytest.mark.parametrize("text", [
    "状态：已完成", "2026年第四季度", "截止 2026-11-30 10:30", "导出 Excel", "组织代码 HX-B01", "登录名 secretary1",
])
def test_the_scan_lets_chinese_pass(text):
    assert not problems(text)
