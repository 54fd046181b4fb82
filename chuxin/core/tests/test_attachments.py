"""The shared pieces of attachments: the per-file checks (kind by name and by content, size), the multi-file field
(optional, the error naming each refused file), the download (original name, never sniffed), and the rich-text
editor's widget other apps can use."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from chuxin.core.attachments import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_MAX_FILES,
    AttachmentsField,
    attachment_upload_to,
    check_attachment,
)
from chuxin.core.forms import RichTextarea


def f(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize("name, content", [
    ("通知.pdf", b"%PDF-1.7"), ("照片.JPG", b"\xff\xd8\xff\xe0"), ("签到.png", b"\x89PNG\r\n\x1a\n"),
    ("台账.xlsx", b"PK\x03\x04"), ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), ("说明.txt", "说明".encode()),
    ("空.txt", b""),
])
def test_files_of_the_accepted_kinds_pass(name, content):
    check_attachment(f(name, content))


@pytest.mark.parametrize("name, content, code", [
    ("setup.exe", b"MZ", "extension"),
    ("无扩展名", b"%PDF", "extension"),
    ("名单.pdf", b"MZ\x90\x00", "content"),  # a program renamed
    ("脚本.txt", b"#!/bin/sh\nrm -rf /", "content"),
    ("照片.jpg", b"%PDF-1.4", "content"),
    ("二进制.txt", b"ab\x00cd", "content"),
    ("大.pdf", b"%PDF" + b"0" * ATTACHMENT_MAX_BYTES, "size"),
])
def test_files_refused_say_which_and_why(name, content, code):
    with pytest.raises(ValidationError) as refused:
        check_attachment(f(name, content))
    assert refused.value.code == code
    assert f"“{name}”" in refused.value.messages[0]


def test_the_field_is_optional_and_names_every_refused_file():
    class Form(forms.Form):
        files = AttachmentsField()

    empty = Form({}, {})
    assert empty.is_valid() and empty.cleaned_data["files"] == []
    ok = Form({}, {"files": [f("a.pdf", b"%PDF")]})
    assert ok.is_valid() and [u.name for u in ok.cleaned_data["files"]] == ["a.pdf"]
    with translation.override("zh-hans"):
        bad = Form({}, {"files": [f("a.pdf", b"%PDF"), f("b.exe", b"MZ"), f("c.pdf", b"MZ")]})
        assert not bad.is_valid()
        errors = bad.errors["files"]
    assert any("“b.exe”" in e for e in errors) and any("“c.pdf”" in e for e in errors)
    assert any("请重新选择文件" in e for e in errors)  # in Chinese, and what to do next
    many = Form({}, {"files": [f(f"{i}.pdf", b"%PDF") for i in range(ATTACHMENT_MAX_FILES + 1)]})
    assert not many.is_valid()


def test_files_are_stored_under_a_random_name():
    class Owner:
        class _meta:  # noqa: N801 (a model's meta, as the storage path reads it)
            app_label = "directives"

    path = attachment_upload_to(Owner(), "../../etc/通知 原文.PDF")
    assert path.startswith("attachments/directives/") and path.endswith(".pdf")
    assert ".." not in path and "通知" not in path


def test_the_editor_widget_marks_its_textarea_and_brings_its_files():
    class Form(forms.Form):
        text = forms.CharField(widget=RichTextarea)

    form = Form(initial={"text": "第一段"})
    with translation.override("zh-hans"):
        html = str(form["text"])
    assert "data-cx-richtext" in html and 'data-label-bold="加粗"' in html and "第一段" in html
    media = str(form.media)
    assert "vendor/pell/pell.min.js" in media and "chuxin/richtext.js" in media and "defer" in media


def test_a_plan_progress_attachment_shows_and_downloads_under_its_file_name(world, client_for):
    import datetime

    from django.core.files.base import ContentFile
    from django.urls import reverse

    from chuxin.plans.models import Plan, PlanArea, PlanItem, ProgressUpdate, Task, TaskAssignment

    plan = Plan.objects.create(organization=world.b1, year=2026, title="计划", owner=world.secretary)
    item = PlanItem.objects.create(plan=plan, area=PlanArea.objects.create(organization=world.b1, name="组织"),
                                   title="事项")
    task = Task.objects.create(plan_item=item, title="任务", start_on=datetime.date(2026, 1, 1),
                               due_on=datetime.date(2026, 2, 1))
    TaskAssignment.objects.create(task=task, member=world.member, role="lead")
    update = ProgressUpdate(task=task, author=world.member_user, progress=10)
    update.attachment.save("学习记录.txt", ContentFile("笔记".encode()), save=False)
    update.save()
    client = client_for(world.secretary)
    assert update.attachment_name in client.get(reverse("plans:task", args=[task.pk])).content.decode()
    response = client.get(reverse("plans:attachment", args=[update.pk]))
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert response["X-Content-Type-Options"] == "nosniff"
