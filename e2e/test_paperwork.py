"""Paperwork in a browser: a report section written with the rich-text editor (bold and a list) and saved, at
desktop and 390 px phone size; a file handed in with it; and printing the plan, the directive matrix, a report,
the responsibility overview and a list: no navigation, no buttons, tables whole (Chromium's print emulation)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.directives import services as directive_services
from chuxin.orgs.models import Organization
from chuxin.plans import services as plan_services
from chuxin.reports.models import Report, ReportAttachment, ReportPeriod, ReportRequirement
from chuxin.reports.services import report_start
from e2e.conftest import PHONE_390

pytestmark = pytest.mark.e2e


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return _(message)


@pytest.fixture
def draft(world) -> Report:
    requirement = ReportRequirement.objects.create(
        organization=world.pc, title="支部月度工作报告", audience="organizations",
        org_kinds=[Organization.Kind.BRANCH], frequency="monthly", due_day=10,
        sections=[{"title": "本月工作情况", "guidance": ""}, {"title": "下月打算", "guidance": ""}],
        starts_on=datetime.date(2026, 1, 1))
    period = ReportPeriod.objects.create(requirement=requirement, start=datetime.date(2026, 1, 1),
                                         end=datetime.date(2026, 1, 31), due_on=datetime.date(2026, 2, 10))
    return report_start(actor=world.secretary, period=period, organization=world.b1)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_section_is_written_with_bold_and_a_list_and_saved(world, draft, open_page, login, size, tmp_path):
    page = open_page(**PHONE_390) if size == "phone" else open_page(viewport={"width": 1366, "height": 860})
    login(page, "secretary")
    page.goto(f"/reports/{draft.pk}/")
    textarea = page.locator("textarea[name=section-1]")
    expect(textarea).to_be_hidden()  # the editor stands in for it; it stays the form's field
    editor = page.get_by_test_id("richtext-section-1")
    expect(editor).to_be_visible()
    toolbar = page.locator("[role=toolbar]").nth(1)
    bold = toolbar.get_by_role("button", name=zh("Bold"))
    bullets = toolbar.get_by_role("button", name=zh("Bulleted list"))
    expect(bold).to_be_visible()
    expect(bullets).to_be_visible()
    assert page.locator("main").inner_text().count("blockquote") == 0  # no hint listing HTML tags
    if size == "phone":
        scroll_width, inner_width = page.evaluate(
            "() => [document.scrollingElement.scrollWidth, window.innerWidth]")
        assert inner_width == 390 and scroll_width <= inner_width
        box = toolbar.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390.5

    editor.click()
    bold.click()
    page.keyboard.type("重点工作")
    bold.click()
    page.keyboard.type("按计划推进")
    page.keyboard.press("Enter")
    bullets.click()
    page.keyboard.type("学习党章")
    page.keyboard.press("Enter")
    page.keyboard.type("走访群众")

    sheet = tmp_path / "签到表.pdf"
    sheet.write_bytes(b"%PDF-1.4 sign-in sheet")
    page.get_by_test_id("report-files").set_input_files(str(sheet))
    page.locator("button[name=action][value=save]").click()
    expect(page.locator("main .alert-success")).to_have_text(zh("The draft has been saved."))

    html = Report.objects.get(pk=draft.pk).sections[1]["html"]
    assert "<strong>重点工作</strong>" in html, html
    assert "<ul><li>学习党章</li><li>走访群众</li></ul>" in html, html
    assert ReportAttachment.objects.get(report=draft).name == "签到表.pdf"
    # Back in the editor as written, and the file listed by its name.
    expect(page.get_by_test_id("richtext-section-1").locator("strong")).to_have_text("重点工作")
    expect(page.get_by_test_id("richtext-section-1").locator("li")).to_have_count(2)
    expect(page.get_by_test_id("attachment")).to_contain_text("签到表.pdf")


def _hidden_when_printed(page, selector: str) -> None:
    for element in page.locator(selector).all():
        expect(element).to_be_hidden()


def _tables_whole(page) -> None:
    """Every table shown in print fits the page's width: no column cut off or scrolled away."""
    width = page.evaluate("() => document.documentElement.clientWidth")
    for table in page.locator("main table").all():
        if not table.is_visible():
            continue
        box = table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (box, width)
        assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")


def test_printed_pages_show_the_content_alone(world, open_page, login):
    today = timezone.localdate()
    plan = plan_services.plan_create(actor=world.secretary, organization=world.b1, year=today.year,
                                     title="第一支部年度计划", owner=world.secretary)
    directive = directive_services.directive_send(
        actor=world.worker, sender=world.pc, title="关于开展主题党日活动的通知", body="请各支部组织。",
        due_on=today + datetime.timedelta(days=10), recipients=[world.b1, world.b2])
    report = Report.objects.create(
        period=ReportPeriod.objects.create(
            requirement=ReportRequirement.objects.create(
                organization=world.pc, title="支部月度工作报告", audience="organizations",
                org_kinds=[Organization.Kind.BRANCH], frequency="monthly", due_day=10,
                sections=[{"title": "本月工作情况", "guidance": ""}], starts_on=datetime.date(2026, 1, 1)),
            start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 31), due_on=datetime.date(2026, 2, 10)),
        organization=world.b1, status="submitted", submitted_at=timezone.now(), first_submitted_at=timezone.now(),
        sections=[{"title": "本月工作情况", "html": "<p><strong>完成</strong>三项工作</p><ul><li>学习</li></ul>"}])
    page = open_page(viewport={"width": 1100, "height": 900})
    login(page, "worker")
    for url, content in [
        (f"/plans/{plan.pk}/", plan.title), (f"/directives/{directive.pk}/", directive.title),
        (f"/reports/{report.pk}/", "三项工作"), (f"/responsibilities/overview/{world.pc.pk}/", world.pc.name),
        ("/directives/sent/", directive.title),
    ]:
        page.emulate_media(media="screen")
        page.goto(url)
        expect(page.locator(".cx-topbar")).to_be_visible()
        page.emulate_media(media="print")
        expect(page.locator("main")).to_contain_text(content)
        expect(page.locator(".cx-topbar")).to_be_hidden()
        _hidden_when_printed(page, "#cx-nav, .cx-bottombar, main button, main .btn, main form")
        _tables_whole(page)


def test_on_a_phone_a_branch_downloads_the_notice_and_attaches_its_sign_in_sheet(world, open_page, login, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chuxin.directives.models import DirectiveAttachment
    from e2e.conftest import WECHAT_UA

    directive = directive_services.directive_send(
        actor=world.worker, sender=world.pc, title="关于开展主题党日活动的通知", body="请各支部组织。",
        due_on=timezone.localdate() + datetime.timedelta(days=10), recipients=[world.b1],
        attachments=[SimpleUploadedFile("活动方案模板.docx", b"PK\x03\x04template")])
    row = directive.recipients.get()
    phone = open_page(**PHONE_390)
    login(phone, "secretary")
    phone.goto(f"/directives/received/{row.pk}/")
    notice = phone.get_by_test_id("attachment").filter(has_text="活动方案模板.docx")
    expect(notice).to_be_visible()
    with phone.expect_download() as download:
        notice.locator("a").click()
    assert download.value.suggested_filename == "活动方案模板.docx"

    sheet = tmp_path / "签到表.png"
    sheet.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    form = phone.get_by_test_id("attach-form").last
    form.locator("summary").click()
    form.locator("input[type=file]").set_input_files(str(sheet))
    form.get_by_test_id("attach").click()
    expect(phone.locator("main .alert-success")).to_have_text(zh("The files have been attached."))
    expect(phone.get_by_test_id("attachment").filter(has_text="签到表.png")).to_be_visible()
    assert DirectiveAttachment.objects.get(recipient=row).name == "签到表.png"
    scroll_width, inner_width = phone.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert inner_width == 390 and scroll_width <= inner_width

    # Inside WeChat's browser, where downloads fail: the hint beside each file.
    wechat = open_page(**PHONE_390, user_agent=WECHAT_UA)
    login(wechat, "secretary")
    wechat.goto(f"/directives/received/{row.pk}/")
    expect(wechat.get_by_test_id("attachment").first.get_by_test_id("wechat-hint")).to_be_visible()
