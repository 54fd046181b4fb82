"""Files with directives: the sender's notice and templates, a recipient's paperwork (at completion, with a
follow-up action, or later), each optional, shown with its name and size, read by both sides but never by a
sibling, removed only by the person who attached it while the directive is open; hostile files refused clearly
with nothing else lost."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chuxin.audit.models import AuditEntry
from chuxin.core.attachments import ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_FILES
from chuxin.directives import services
from chuxin.directives.models import Directive, DirectiveAttachment, DirectiveRecipient

from .conftest import row_of

PDF = b"%PDF-1.4 notice"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 20


def upload(name="通知原文.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


def url(name, pk):
    return reverse(f"directives:{name}", kwargs={"pk": pk})


def send(client, world, **extra):
    data = {"title": "关于报送台账的通知", "body": "请填写附表。",
            "due_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
            "recipients": [world.b1.pk, world.b2.pk]}
    return client.post(reverse("directives:create") + f"?sender={world.pc.pk}", data | extra)


def test_a_directive_is_sent_with_its_notice_and_a_template(world, client_for):
    response = send(client_for(world.worker), world, attachments=[upload(), upload("台账模板.xlsx", b"PK\x03\x04x")])
    assert response.status_code == 302
    directive = Directive.objects.get()
    assert list(directive.attachments.values_list("name", flat=True)) == ["通知原文.pdf", "台账模板.xlsx"]
    entry = AuditEntry.objects.get(target_type="directives.directive", action=AuditEntry.Action.CREATE)
    assert entry.changes["attachments"] == [[], ["通知原文.pdf", "台账模板.xlsx"]]
    # The receiving branch sees the files by name, and downloads them.
    row = row_of(directive, world.b1)
    page = client_for(world.secretary).get(url("recipient", row.pk)).content.decode()
    assert "通知原文.pdf" in page and "台账模板.xlsx" in page
    notice = directive.attachments.get(name="通知原文.pdf")
    response = client_for(world.secretary).get(url("attachment", notice.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_sending_without_files_is_fine(world, client_for):
    assert send(client_for(world.worker), world).status_code == 302
    assert not DirectiveAttachment.objects.exists()


@pytest.mark.parametrize("bad, words", [
    (lambda: upload("工具.exe", b"MZ\x90\x00"), "“工具.exe”"),
    (lambda: upload("通知.pdf", b"MZ\x90\x00renamed program"), "“通知.pdf”"),
    (lambda: upload("照片.png", b"%PDF-1.4 not a picture"), "“照片.png”"),
    (lambda: upload("大表.pdf", b"%PDF" + b"0" * ATTACHMENT_MAX_BYTES), "“大表.pdf”"),
])
def test_a_refused_file_is_named_and_nothing_else_is_lost(world, client_for, bad, words):
    response = send(client_for(world.worker), world, attachments=[upload(), bad()])
    assert response.status_code == 200
    page = response.content.decode()
    assert words in page
    assert "关于报送台账的通知" in page and "请填写附表。" in page  # what was typed stays
    assert not Directive.objects.exists() and not DirectiveAttachment.objects.exists()


def test_too_many_files_at_once_are_refused(world, client_for):
    files = [upload(f"表{i}.pdf") for i in range(ATTACHMENT_MAX_FILES + 1)]
    response = send(client_for(world.worker), world, attachments=files)
    assert response.status_code == 200 and not Directive.objects.exists()


def test_sending_twice_with_files_makes_one_directive_with_one_set(world, client_for):
    client = client_for(world.worker)
    token = client.get(reverse("directives:create") + f"?sender={world.pc.pk}").context["form"]["token"].value()
    send(client, world, token=token, attachments=[upload()])
    send(client, world, token=token, attachments=[upload()])
    assert Directive.objects.count() == 1 and DirectiveAttachment.objects.count() == 1


def test_completion_and_actions_carry_the_recipients_paperwork(world, sent_to_three, client_for):
    row = row_of(sent_to_three, world.b1)
    client = client_for(world.secretary)
    response = client.post(url("action-add", row.pk), {"text": "整理台账", "attachments": [upload("台账.pdf")]})
    assert response.status_code == 302
    response = client.post(url("complete", row.pk), {"answer": "已组织学习。",
                                                      "attachments": [upload("签到表.png", PNG)]})
    assert response.status_code == 302
    files = {a.name: a for a in DirectiveAttachment.objects.filter(recipient=row)}
    assert set(files) == {"台账.pdf", "签到表.png"}
    assert files["台账.pdf"].action is not None and files["签到表.png"].action is None
    assert files["签到表.png"].size == len(PNG)
    page = client.get(url("recipient", row.pk)).content.decode()
    assert "台账.pdf" in page and "签到表.png" in page
    # The sender reads them; the sibling branch does not even learn they exist.
    assert client_for(world.worker).get(url("attachment", files["签到表.png"].pk)).status_code == 200
    assert client_for(world.outsider).get(url("attachment", files["签到表.png"].pk)).status_code == 404


def test_a_double_submitted_completion_attaches_once(world, sent_to_three, client_for):
    row = row_of(sent_to_three, world.b1)
    client = client_for(world.secretary)
    for _ in range(2):
        client.post(url("complete", row.pk), {"answer": "已完成。", "attachments": [upload("签到表.pdf")]})
    assert DirectiveAttachment.objects.filter(recipient=row).count() == 1


def test_a_completion_with_a_refused_file_keeps_the_answer(world, sent_to_three, client_for):
    row = row_of(sent_to_three, world.b1)
    response = client_for(world.secretary).post(url("complete", row.pk), {
        "answer": "已于15日组织主题党日。", "attachments": [upload("病毒.exe", b"MZ")]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "“病毒.exe”" in page and "已于15日组织主题党日。" in page
    row.refresh_from_db()
    assert row.state == DirectiveRecipient.State.SENT


def test_files_are_added_later_and_removed_by_their_uploader_while_open(world, sent_to_three, client_for):
    client = client_for(world.worker)
    assert client.post(url("attach", sent_to_three.pk), {"attachments": [upload("补充模板.docx", b"PK\x03\x04")]}
                       ).status_code == 302
    added = DirectiveAttachment.objects.get(name="补充模板.docx")
    assert added.uploaded_by == world.worker and added.recipient is None
    page = client.get(url("detail", sent_to_three.pk)).content.decode()
    assert "补充模板.docx" in page and url("attachment-remove", added.pk) in page
    # Nothing chosen: said so, nothing written.
    client.post(url("attach", sent_to_three.pk), {})
    assert DirectiveAttachment.objects.count() == 1
    # A receiving branch reads it but has no say over the sender's files; another manager of the sender may
    # not remove it either (the role matrix: 403); the uploader removes it (audited).
    assert client_for(world.secretary).get(url("attachment", added.pk)).status_code == 200
    assert client_for(world.secretary).post(url("attachment-remove", added.pk)).status_code == 404
    client = client_for(world.worker)  # the one test client, logged in as the worker again
    assert client.post(url("attachment-remove", added.pk)).status_code == 302
    assert not DirectiveAttachment.objects.exists()
    entry = AuditEntry.objects.filter(target_type="directives.directive").order_by("-id").first()
    assert entry.changes["attachments"] == [["补充模板.docx"], []]
    assert client.post(url("attachment-remove", added.pk)).status_code == 404  # again: gone


def test_a_closed_directives_files_stay(world, sent_to_three, client_for):
    [added] = services.directive_attach(actor=world.worker, directive=sent_to_three, attachments=[upload()])
    services.directive_close(actor=world.worker, directive=sent_to_three)
    client = client_for(world.worker)
    client.post(url("attachment-remove", added.pk))
    assert DirectiveAttachment.objects.filter(pk=added.pk).exists()
    assert url("attachment-remove", added.pk) not in client.get(url("detail", sent_to_three.pk)).content.decode()
    client.post(url("attach", sent_to_three.pk), {"attachments": [upload("迟到.pdf")]})
    assert not DirectiveAttachment.objects.filter(name="迟到.pdf").exists()


def test_a_forged_file_id_of_another_organization_is_not_found(world, sent_to_three, client_for):
    b2_row = row_of(sent_to_three, world.b2)
    [theirs] = services.directive_attach(actor=world.outsider, directive=sent_to_three, recipient=b2_row,
                                         attachments=[upload("二支部台账.pdf")])
    client = client_for(world.secretary)
    assert client.get(url("attachment", theirs.pk)).status_code == 404
    assert client.post(url("attachment-remove", theirs.pk)).status_code == 404
    assert client.get(url("attachment", 10**9)).status_code == 404
    assert DirectiveAttachment.objects.filter(pk=theirs.pk).exists()


def test_the_recipient_page_lists_files_in_a_fixed_number_of_queries(world, sent_to_three, client_for,
                                                                      django_assert_max_num_queries):
    row = row_of(sent_to_three, world.b1)
    for i in range(5):
        services.directive_attach(actor=world.secretary, directive=sent_to_three, recipient=row,
                                  attachments=[upload(f"台账{i}.pdf")])
        services.directive_action_add(actor=world.secretary, recipient=row, text=f"步骤{i}",
                                      attachments=[upload(f"步骤{i}.pdf")])
    client = client_for(world.secretary)
    client.get(url("recipient", row.pk))  # warm the session and the standings
    with django_assert_max_num_queries(30) as captured:
        page = client.get(url("recipient", row.pk)).content.decode()
    assert "台账4.pdf" in page and "步骤4.pdf" in page
    few = len(captured.captured_queries)
    services.directive_attach(actor=world.secretary, directive=sent_to_three, recipient=row,
                              attachments=[upload("再一个.pdf")])
    with django_assert_max_num_queries(few):  # one more file, no more queries
        client.get(url("recipient", row.pk))


def test_the_senders_own_files_on_a_recipients_page_are_read_not_removed_there(world, sent_to_three, client_for):
    [notice] = services.directive_attach(actor=world.worker, directive=sent_to_three, attachments=[upload()])
    page = client_for(world.worker).get(url("recipient", row_of(sent_to_three, world.b1).pk))  # the sender above
    assert page.status_code == 200
    body = page.content.decode()
    assert "通知原文.pdf" in body and url("attachment-remove", notice.pk) not in body
