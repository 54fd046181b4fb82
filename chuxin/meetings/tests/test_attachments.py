"""Files with a meeting's record (a sign-in sheet, the material studied): optional, attached with the minutes or
through "Add files" while the record is not finalized, listed with name and size, downloaded by whoever reads the
meeting (never a sibling branch), removed only by the person who attached them and never after finalization;
hostile files refused clearly with nothing else lost; a double submit attaches once; named in the minutes' PDF."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chuxin.audit.models import AuditEntry
from chuxin.meetings import printing, services
from chuxin.meetings.models import Meeting, MeetingAttachment

from .conftest import convened, mark_all

PDF = b"%PDF-1.4 sign-in sheet"
PROGRAM = b"MZ\x90\x00 not a pdf at all"


def upload(name="签到表.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


def url(name, pk):
    return reverse(f"meetings:{name}", kwargs={"pk": pk})


def finalize(client, meeting, **extra):
    return client.post(url("finalize", meeting.pk), {
        "held_on": timezone.localdate().isoformat(), "minutes": "会议学习了党章。"} | extra)


def test_a_file_attached_with_the_minutes_is_listed_and_downloaded_with_its_chinese_name(world, branch,
                                                                                        client_for):
    meeting = convened(world)
    mark_all(world, meeting)
    secretary = client_for(world.secretary)
    assert finalize(secretary, meeting, attachments=[upload()]).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.FINALIZED
    attachment = MeetingAttachment.objects.get(meeting=meeting)
    assert attachment.name == "签到表.pdf" and attachment.uploaded_by == world.secretary
    page = secretary.get(url("detail", meeting.pk)).content.decode()
    assert "签到表.pdf" in page and attachment.size_display in page
    assert url("attachment", attachment.pk) in page
    assert 'data-testid="attach-form"' not in page and 'data-testid="attachment-remove"' not in page  # read-only
    # A member of the branch reads the meeting, so its files too.
    response = client_for(world.member_user).get(url("attachment", attachment.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert quote("签到表.pdf") in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    audit = AuditEntry.objects.filter(target_id=str(meeting.pk)).order_by("-pk").first()
    assert audit.changes["attachments"] == [[], ["签到表.pdf"]]


def test_files_are_never_required_to_finalize(world, branch, client_for):
    meeting = convened(world)
    mark_all(world, meeting)
    assert finalize(client_for(world.secretary), meeting).status_code == 302
    assert not MeetingAttachment.objects.exists()


def test_a_hostile_file_is_refused_and_the_minutes_are_kept(world, branch, client_for):
    meeting = convened(world)
    mark_all(world, meeting)
    response = finalize(client_for(world.secretary), meeting, minutes="我写了很长的纪要",
                        attachments=[upload("名单.pdf", PROGRAM)])
    page = response.content.decode()
    assert response.status_code == 200
    assert "“名单.pdf” is not the kind of file its name says" in page and "我写了很长的纪要" in page
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONVENED and not MeetingAttachment.objects.exists()


def test_a_hostile_file_among_good_ones_through_add_files_attaches_nothing(world, branch, client_for):
    meeting = convened(world)
    secretary = client_for(world.secretary)
    response = secretary.post(url("attach", meeting.pk), {"attachments": [upload(), upload("名单.pdf", PROGRAM)]},
                              follow=True)
    assert "“名单.pdf” is not the kind of file its name says" in response.content.decode()
    assert not MeetingAttachment.objects.exists()
    with pytest.raises(ValidationError):
        services.meeting_attachments_add(actor=world.secretary, meeting=meeting,
                                         attachments=[upload("名单.pdf", PROGRAM)])
    assert not MeetingAttachment.objects.exists()


def test_add_files_before_finalizing_and_remove_by_the_uploader_only(world, branch, client_for):
    meeting = convened(world)
    secretary = client_for(world.secretary)
    page = secretary.get(url("detail", meeting.pk)).content.decode()
    assert 'data-testid="attach-form"' in page
    assert secretary.post(url("attach", meeting.pk), {"attachments": [upload()]}).status_code == 302
    attachment = MeetingAttachment.objects.get(meeting=meeting)
    assert 'data-testid="attachment-remove"' in secretary.get(url("detail", meeting.pk)).content.decode()
    with pytest.raises(PermissionDenied):  # another manager of the branch did not attach it
        services.meeting_attachment_delete(actor=world.committee, attachment=attachment)
    assert secretary.post(url("attachment-delete", attachment.pk)).status_code == 302
    assert not MeetingAttachment.objects.exists()
    audit = AuditEntry.objects.filter(target_id=str(meeting.pk)).order_by("-pk").first()
    assert audit.changes["attachments"] == [["签到表.pdf"], []]


def test_a_finalized_record_refuses_new_files_and_removal(world, branch, client_for):
    meeting = convened(world)
    secretary = client_for(world.secretary)
    secretary.post(url("attach", meeting.pk), {"attachments": [upload()]})
    attachment = MeetingAttachment.objects.get(meeting=meeting)
    mark_all(world, meeting)
    assert finalize(secretary, meeting).status_code == 302
    response = secretary.post(url("attachment-delete", attachment.pk), follow=True)
    assert "The record is finalized; its attachments can no longer change." in response.content.decode()
    assert MeetingAttachment.objects.filter(pk=attachment.pk).exists()
    response = secretary.post(url("attach", meeting.pk), {"attachments": [upload("另一份.pdf")]}, follow=True)
    assert "The record is finalized; its attachments can no longer change." in response.content.decode()
    assert MeetingAttachment.objects.filter(meeting=meeting).count() == 1


def test_a_sibling_branchs_secretary_gets_404(world, branch, client_for):
    meeting = convened(world)
    client_for(world.secretary).post(url("attach", meeting.pk), {"attachments": [upload()]})
    attachment = MeetingAttachment.objects.get(meeting=meeting)
    outsider = client_for(world.outsider)
    assert outsider.get(url("attachment", attachment.pk)).status_code == 404
    assert outsider.post(url("attachment-delete", attachment.pk)).status_code == 404
    assert outsider.post(url("attach", meeting.pk), {"attachments": [upload()]}).status_code == 404
    assert MeetingAttachment.objects.filter(meeting=meeting).count() == 1


def test_a_double_submit_attaches_once(world, branch, client_for):
    meeting = convened(world)
    secretary = client_for(world.secretary)
    token = secretary.get(url("detail", meeting.pk)).context["attach_form"]["token"].value()
    for _ in range(2):
        assert secretary.post(url("attach", meeting.pk), {"attachments": [upload()], "token": token}
                              ).status_code == 302
    assert MeetingAttachment.objects.filter(meeting=meeting).count() == 1


def test_the_minutes_pdf_names_the_files(world, branch, rf):
    meeting = convened(world)
    services.meeting_attachments_add(actor=world.secretary, meeting=meeting, attachments=[upload()])
    mark_all(world, meeting)
    services.meeting_finalize(actor=world.secretary, meeting=meeting, held_on=timezone.localdate(),
                              minutes="会议学习了党章。")
    context = printing._meeting_context(Meeting.objects.get(pk=meeting.pk))
    assert [a.name for a in context["attachments"]] == ["签到表.pdf"]
    from django.template.loader import render_to_string

    html = render_to_string("meetings/print/minutes.html", {"m": context, "printed": timezone.localdate()})
    assert "签到表.pdf" in html
