"""Every page, read in Chinese, is Chinese: no stray English, no internal codes, Chinese punctuation.

The demo unit is seeded (the same data `make run` shows) and each of four people (the Party-affairs worker, a
branch secretary, a plain member, the superior viewer) walks the site from every page that needs no object,
following the links and htmx fragments the pages offer, with `Accept-Language: zh-hans`. Of each HTML page the
visible text is kept (scripts, styles, tags and attribute values dropped; the attributes a person reads, such as
`title`, `placeholder` and `aria-label`, kept) and searched for

- ASCII words (two or more Latin letters) that are not in ALLOWED: proper nouns, units, the demo's login names,
  and things a person typed that are written in Latin letters (addresses, codes, file extensions); text marked
  as another language (`lang="en"`, the switch to English) is English on purpose;
- internal codes: periods written as "2026 Q4", "2026 H1" or "2026-11", the empty-set sign;
- half-width colons after Chinese text.

Which pages exist comes from the URL conf through the role matrix's table (chuxin/core/tests/test_role_matrix.py):
every route it tries with GET must be reached by someone here, except the few that are not pages (NOT_PAGES).
"""

from __future__ import annotations

import datetime
import html
import logging
import re
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from chuxin.accounts.models import User
from chuxin.portal.tests.test_role_matrix import EXPECT

PEOPLE = {"worker": "worker", "secretary": "secretary1", "member": "member1", "viewer": "viewer", "anonymous": ""}
# Proper nouns and units that stay in Latin letters in Chinese text, and the demo's login names (a person's login
# is shown as it is typed).
ALLOWED = {
    "Excel", "PDF", "Word", "WPS", "iCalendar", "iPhone", "iOS", "Android", "Outlook", "Google", "Apple", "Ctrl",
    "ID", "MB", "KB", "QR", "PNG", "JPG", "JPEG", "ZIP", "HTTP", "HTTPS", "URL", "CSV", "XLSX", "DOCX",
    "RSS", "Atom",  # the public site's feed formats, named as their readers know them
    "worker", "secretary1", "committee1", "member1", "viewer", "admin",
}
NOT_PAGES = {
    "healthz", "set_language", "accounts:logout",  # not pages, or not in Chinese by nature
    "members:export", "members:import-template", "plans:export",  # spreadsheets
    "audit:export", "directives:export", "reports:requirement-export",  # spreadsheets
    "plans:attachment", "meetings:attachment", "workbench:feed", "campaigns:material",  # files
    "notices:attachment", "notices:message-attachment",  # files
    "directives:attachment", "reports:attachment", "reports:word", "responsibilities:overview-export",  # files
    "plans:people",  # the people picker's search answers in JSON
    "notifications:open", "workbench:landing",  # redirects
    "meetings:register", "meetings:minutes-pdf", "meetings:record-book",  # a spreadsheet, PDFs
    "recruitment:attachment", "transfers:letter",  # a file, a PDF
    "quizzes:import-template",  # a spreadsheet
    "members:import-job",  # exists only while one's own import runs; its Chinese: members/tests/test_import_limits.py
    "learning:media", "learning:certificate",  # a library item's video, audio or PDF; a certificate's file
    "activities:export",  # a spreadsheet
    "dues:month-xlsx", "dues:summary-xlsx",  # spreadsheets
    "activities:follow",  # the wisher's private link, reached only with its token; its Chinese: activities/tests
    "site:feed-rss", "site:feed-atom", "site:sitemap",  # XML for feed readers and search engines
    "joint:feedback",  # reached only through a requester's private link; its Chinese: e2e/test_site.py
}
PAGES_PER_NAME = 3  # the same view with other objects adds little but time
SKIP_PREFIXES = ("/static/", "/media/", "/i18n/", "/accounts/logout/")

WORD = re.compile(r"\.?[A-Za-z0-9][A-Za-z0-9_.@/:+-]*[A-Za-z0-9]|[A-Za-z]")
CODES = [
    (re.compile(r"(?<![A-Za-z0-9])[QH][1-4](?![A-Za-z0-9])"), "a period written as a code"),
    (re.compile(r"(?<![\d/-])\d{4}-\d{1,2}(?![\d/-])"), "a year and month written as a code"),
    (re.compile("∅"), "the empty-set sign"),
    (re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef] ?:(?!//)"), "a half-width colon in Chinese text"),
]
READ_ATTRIBUTES = re.compile(r"""\s(?:title|placeholder|aria-label|alt)\s*=\s*("[^"]*"|'[^']*')""", re.I)


def visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|template)\b.*?</\1\s*>", " ", page)
    page = re.sub(r"""(?is)<(\w+)\b[^>]*\slang=["']en["'][^>]*>.*?</\1\s*>""", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    attributes = " ".join(m.group(1)[1:-1] for m in READ_ATTRIBUTES.finditer(page))
    text = re.sub(r"(?s)<[^>]*>", " ", page)
    return html.unescape(f"{text} {attributes}")


def allowed(word: str) -> bool:
    return (
        word in ALLOWED
        or len(re.sub(r"[^A-Za-z]", "", word)) < 2
        # a code: an organization's (HX-B01, SASAC-PC), a unified social credit code (91110105MA01ABCD3X)
        or bool(re.fullmatch(r"[A-Z0-9]+(?:-[A-Z0-9]+)+|[A-Z0-9]*\d[A-Z0-9]*", word))
        or bool(re.fullmatch(r"\.[a-z0-9]{2,5}", word))  # a file extension: .xlsx
        or "@" in word or bool(re.match(r"(?:https?|webcal)://", word)) or word.startswith("/")  # addresses
    )


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


GET_FORM = re.compile(r"""(?is)<form\b([^>]*)>(.*?)</form>""")
SELECT = re.compile(r"""(?is)<select\b[^>]*\sname=["']([^"']+)["'][^>]*>(.*?)</select>""")
OPTION = re.compile(r"""(?is)<option\b[^>]*\svalue=["']([^"']+)["']""")


def form_links(page: str, here: str) -> list[str]:
    """A GET form (a filter, a picker) submitted once with each of its lists' first choice."""
    found = []
    for attributes, body in GET_FORM.findall(page):
        if re.search(r"""method=["']post""", attributes, re.I):
            continue
        action = re.search(r"""action=["']([^"']*)["']""", attributes)
        values = {name: OPTION.findall(options)[:1] for name, options in SELECT.findall(body)}
        query = "&".join(f"{name}={value[0]}" for name, value in values.items() if value)
        if query:
            found.append(f"{(action.group(1) if action and action.group(1) else here.split('?')[0])}?{query}")
    return found


def links(page: str, here: str = "/") -> list[str]:
    found = []
    for raw in LINK.findall(page) + form_links(page, here):
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
        if response.status_code in (301, 302):  # a picker's answer: go where it sends
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        reached.add(name)
        page = response.content.decode()
        text = visible_text(page)
        found = problems(text)
        if found:
            report[url] = found
        queue += [link for link in links(page, url) if link not in seen]
    return report, reached


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def client_for(username: str) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def test_every_page_reads_in_chinese(demo, caplog):
    caplog.set_level(logging.ERROR, logger="django.request")  # the 403s of pages a person may not open: expected
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
    "字段：in_progress", "可用HTML：p、br", '<button title="Switch to English">EN</button>',
])
def test_the_scan_catches_what_it_is_for(text):
    assert problems(visible_text(text))


@pytest.mark.parametrize("text", [
    "状态：已完成", "2026年第四季度", "截止 2026-11-30 10:30", "导出 Excel", "组织代码 HX-B01", "登录名 secretary1",
    "信用代码 91110105MA01ABCD3X", "Excel文件（.xlsx）", '<button lang="en" title="Switch to English">EN</button>',
    "https://dj.example.cn/orgs/", '<a href="/orgs/" class="btn">组织</a>',
])
def test_the_scan_lets_chinese_pass(text):
    assert not problems(visible_text(text))


# --- the words the users asked for ------------------------------------------------------------------------------


def chinese_page(username: str, url: str) -> str:
    response = client_for(username).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, url
    return visible_text(response.content.decode())


def test_a_done_task_is_sent_back_to_be_done_again(demo):
    from chuxin.plans.models import Task

    task = Task.objects.filter(status=Task.Status.DONE).first()
    text = chinese_page("worker", reverse("plans:task", args=[task.pk]))
    assert "重新办理" in text and "重新打开" not in text


def test_a_directive_names_its_sending_and_receiving_organizations_and_its_measures(demo):
    from chuxin.directives.models import DirectiveAction

    action = DirectiveAction.objects.select_related("recipient").first()
    text = chinese_page("worker", reverse("directives:recipient", args=[action.recipient.pk]))
    assert "交办单位" in text and "接收单位" in text and "措施" in text
    assert not re.search(r"(^|\s)[自至](\s|$)", text)
    assert "操作" not in text


def test_a_report_has_one_word_for_its_author(demo):
    from chuxin.reports.models import Report

    report = Report.objects.filter(status=Report.Status.ACCEPTED).select_related("period__requirement").first()
    review = chinese_page("worker", reverse("reports:review", args=[report.pk]))
    status = chinese_page("worker", reverse("reports:requirement", args=[report.period.requirement.pk]))
    assert "撰写人" in review and "撰写人" in status
    assert "填写人" not in review + status


@pytest.mark.parametrize("ago, chinese", [
    (datetime.timedelta(minutes=10), "10分钟前"), (datetime.timedelta(hours=3), "3小时前"),
    (datetime.timedelta(seconds=30), "30秒前"), (datetime.timedelta(days=3), "3天前"),
])
def test_times_ago_read_as_people_say_them(ago, chinese):
    from django.contrib.humanize.templatetags.humanize import naturaltime
    from django.utils import timezone, translation

    with translation.override("zh-hans"):
        said = naturaltime(timezone.now() - ago).replace("\xa0", "")
    assert said == chinese
