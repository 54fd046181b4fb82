"""A report to Word, and the files handed in with a report."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from chuxin.audit.models import AuditEntry
from chuxin.core.attachments import ATTACHMENT_MAX_BYTES
from chuxin.reports.models import Report, ReportAttachment
from chuxin.reports.services import report_save, report_start, report_submit

PDF = b"%PDF-1.4 sign-in sheet"


def pdf(name="签到表.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def draft(world, january):
    return report_start(actor=world.secretary, period=january, organization=world.b1)


def _post(client, report, **extra):
    data = {"version": report.version, "section-0": "本月完成", "section-1": "", "section-2": "", "action": "save"}
    return client.post(reverse("reports:report", args=[report.pk]), data | extra)


# ---------------------------------------------------------------------------------------------------------------
# Word


def test_a_report_exports_to_word_with_its_headings_and_formatting(world, draft, client_for):
    html = ("<p>本月<strong>完成</strong>三项<em>重点</em>工作。</p><ul><li>学习</li><li>党课</li></ul>"
            "<h3>问题</h3><blockquote><p>群众反映</p></blockquote><ol><li>整改</li></ol>")
    report = report_save(actor=world.secretary, report=draft, sections=[html, "无", ""], version=draft.version)
    report_submit(actor=world.secretary, report=report)
    response = client_for(world.committee).get(reverse("reports:word", args=[report.pk]))  # a reader
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [text for _style, text in paragraphs]
    assert paragraphs[0] == ("Title", "支部月度工作报告（2026年1月）")
    assert any("机关第一党支部" in t or world.b1.name in t for t in texts)
    assert any(t.endswith("2026年1月") for t in texts)  # the period in words, as the page shows
    assert ("Heading 1", "1. 本月工作完成情况") in paragraphs and ("Heading 1", "2. 存在的问题") in paragraphs
    assert ("List Bullet", "学习") in paragraphs and ("List Bullet", "党课") in paragraphs
    assert ("List Number", "整改") in paragraphs
    assert ("Heading 2", "问题") in paragraphs and ("Quote", "群众反映") in paragraphs
    body = next(p for p in document.paragraphs if p.text == "本月完成三项重点工作。")
    assert [(r.text, r.bold, r.italic) for r in body.runs] == [
        ("本月", None, None), ("完成", True, None), ("三项", None, None), ("重点", None, True), ("工作。", None, None)]
    fonts = body.runs[1]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋"


def test_word_has_the_reading_access(world, draft, client_for):
    url = reverse("reports:word", args=[draft.pk])
    assert client_for(world.secretary).get(url).status_code == 200  # its writer, a draft
    assert client_for(world.committee).get(url).status_code == 403  # a draft is its writers' alone
    assert client_for(world.outsider).get(url).status_code == 404  # the sibling branch


# ---------------------------------------------------------------------------------------------------------------
# Files


def test_files_come_with_a_save_and_show_with_their_names(world, draft, client_for):
    client = client_for(world.secretary)
    response = _post(client, draft, attachments=[pdf(), pdf("台账.pdf")])
    assert response.status_code == 302
    names = list(ReportAttachment.objects.filter(report=draft).values_list("name", flat=True))
    assert names == ["签到表.pdf", "台账.pdf"]
    page = client.get(reverse("reports:report", args=[draft.pk])).content.decode()
    assert "签到表.pdf" in page and "台账.pdf" in page
    entry = AuditEntry.objects.filter(target_type="reports.report").order_by("-id").first()
    assert entry.changes["attachments"] == [[], ["签到表.pdf", "台账.pdf"]]


def test_a_file_downloads_under_its_own_name(world, draft, client_for):
    _post(client_for(world.secretary), draft, attachments=[pdf()])
    attachment = ReportAttachment.objects.get()
    response = client_for(world.secretary).get(reverse("reports:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E7%AD%BE%E5%88%B0%E8%A1%A8.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("upload, words", [
    (lambda: pdf("病毒.exe", b"MZ\x90\x00"), "“病毒.exe”"),
    (lambda: pdf("名单.pdf", b"MZ\x90\x00program"), "“名单.pdf”"),  # a program renamed
    (lambda: pdf("大文件.pdf", b"%PDF" + b"0" * ATTACHMENT_MAX_BYTES), "“大文件.pdf”"),
])
def test_a_refused_file_loses_nothing_else(world, draft, client_for, upload, words):
    response = _post(client_for(world.secretary), draft, **{"section-0": "我写了很久的文字"}, attachments=[upload()])
    assert response.status_code == 200
    page = response.content.decode()
    assert words in page and "我写了很久的文字" in page
    assert not ReportAttachment.objects.exists()
    assert Report.objects.get().sections[0]["html"] == ""  # nothing saved: the author sends again


def test_only_its_uploader_removes_a_file_and_only_while_editable(world, draft, client_for):
    _post(client_for(world.secretary), draft, attachments=[pdf()])
    attachment = ReportAttachment.objects.get()
    url = reverse("reports:attachment-remove", args=[attachment.pk])
    assert client_for(world.worker).post(url).status_code == 403  # may write, but did not attach it
    assert client_for(world.outsider).post(url).status_code == 404
    assert client_for(world.secretary).post(url).status_code == 302
    assert not ReportAttachment.objects.exists()
    assert client_for(world.secretary).post(url).status_code == 404  # twice: gone


def test_a_submitted_reports_files_stay(world, draft, client_for):
    client = client_for(world.secretary)
    _post(client, draft, attachments=[pdf()], action="submit")
    attachment = ReportAttachment.objects.get()
    client.post(reverse("reports:attachment-remove", args=[attachment.pk]))
    assert ReportAttachment.objects.exists()


def test_a_forged_file_id_of_another_organization_is_not_found(world, january, client_for):
    theirs = report_start(actor=world.outsider, period=january, organization=world.b2)
    _post(client_for(world.outsider), theirs, attachments=[pdf()])
    attachment = ReportAttachment.objects.get()
    assert client_for(world.secretary).get(reverse("reports:attachment", args=[attachment.pk])).status_code == 404


def test_the_reviewer_sees_the_files_and_the_word_download(world, draft, client_for):
    _post(client_for(world.secretary), draft, attachments=[pdf()], action="submit")
    page = client_for(world.worker).get(reverse("reports:review", args=[draft.pk])).content.decode()
    attachment = ReportAttachment.objects.get()
    assert "签到表.pdf" in page and reverse("reports:attachment", args=[attachment.pk]) in page
    assert reverse("reports:word", args=[draft.pk]) in page
    assert reverse("reports:attachment-remove", args=[attachment.pk]) not in page  # reviewing removes nothing
    assert client_for(world.worker).get(reverse("reports:attachment", args=[attachment.pk])).status_code == 200


def test_the_report_page_lists_files_in_a_fixed_number_of_queries(world, draft, client_for,
                                                                   django_assert_max_num_queries):
    client = client_for(world.secretary)
    _post(client, draft, attachments=[pdf(f"表{i}.pdf") for i in range(3)])
    client.get(reverse("reports:report", args=[draft.pk]))  # warm the session and the standings
    with django_assert_max_num_queries(40) as captured:
        client.get(reverse("reports:report", args=[draft.pk]))
    few = len(captured.captured_queries)
    draft.refresh_from_db()
    _post(client, draft, attachments=[pdf(f"再{i}.pdf") for i in range(5)])
    with django_assert_max_num_queries(few):  # five more files, no more queries
        page = client.get(reverse("reports:report", args=[draft.pk])).content.decode()
    assert "再4.pdf" in page
