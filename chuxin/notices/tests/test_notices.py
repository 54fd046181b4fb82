"""Notices with read receipts: who receives them, the first open recorded, the one-click confirmation, the read
matrix, the one reminder, and hostile input."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chuxin.notices import selectors, services
from chuxin.notices.models import Notice, NoticeRecipient
from chuxin.notifications.models import Notification
from chuxin.testing import make_member, make_user


def send(world, **extra) -> Notice:
    data = {"title": "关于学习的通知", "body": "请各支部组织学习。", "to_organizations": [world.b1, world.b2]}
    data.update(extra)
    return services.notice_send(actor=world.worker, organization=world.pc, **data)


def test_a_notice_to_two_branches_reaches_their_members_with_an_account(world, b2_person,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = send(world)
    assert set(notice.recipients.values_list("user__username", flat=True)) == {"member", "b2person"}
    assert set(Notification.objects.filter(kind="notice").values_list("recipient__username", flat=True)) == {
        "member", "b2person"}


def test_only_organizations_within_the_sender_are_allowed(world):
    with pytest.raises(ValidationError):
        services.notice_send(actor=world.outsider, organization=world.b2, title="x", body="y",
                             to_organizations=[world.b1])
    with pytest.raises(PermissionDenied):
        services.notice_send(actor=world.member_user, organization=world.b1, title="x", body="y",
                             to_organizations=[world.b1])


def test_opening_records_the_first_read_once_and_others_record_nothing(world, b2_person, client_for):
    notice = send(world)
    page = client_for(world.member_user).get(reverse("notices:detail", args=[notice.pk]))
    assert page.status_code == 200 and "请各支部组织学习" in page.content.decode()
    first = NoticeRecipient.objects.get(notice=notice, user=world.member_user).read_at
    assert first is not None
    client_for(world.member_user).get(reverse("notices:detail", args=[notice.pk]))
    assert NoticeRecipient.objects.get(notice=notice, user=world.member_user).read_at == first
    # The sender opening it is no read of anyone's.
    client_for(world.worker).get(reverse("notices:detail", args=[notice.pk]))
    assert NoticeRecipient.objects.filter(notice=notice, read_at__isnull=False).count() == 1


def test_a_member_of_another_branch_cannot_open_a_notice_not_sent_to_them(world, b2_person, client_for):
    notice = send(world, to_organizations=[world.b2])
    assert client_for(world.member_user).get(reverse("notices:detail", args=[notice.pk])).status_code == 404


def test_confirming_is_one_click_and_counts_as_read(world, b2_person, client_for):
    notice = send(world, needs_confirmation=True, confirm_by=timezone.localdate() + datetime.timedelta(days=3))
    response = client_for(b2_person).post(reverse("notices:confirm", args=[notice.pk]), follow=True)
    assert "the sender can see you have got it" in response.content.decode()
    row = NoticeRecipient.objects.get(notice=notice, user=b2_person)
    assert row.confirmed_at and row.read_at
    client_for(b2_person).post(reverse("notices:confirm", args=[notice.pk]))
    assert NoticeRecipient.objects.get(pk=row.pk).confirmed_at == row.confirmed_at


def test_the_matrix_shows_who_has_not_read_and_the_unread_are_reminded_once(
        world, b2_person, client_for, django_capture_on_commit_callbacks):
    notice = send(world, needs_confirmation=True)
    services.notice_open(user=b2_person, notice=notice)
    page = client_for(world.worker).get(reverse("notices:matrix", args=[notice.pk])).content.decode()
    assert 'data-count="unread">1<' in page and 'data-person="李四"' in page and 'data-person="王二"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.worker).post(reverse("notices:remind", args=[notice.pk]))
    reminded = Notification.objects.filter(kind="reminded")
    assert list(reminded.values_list("recipient__username", flat=True)) == ["member"]
    response = client_for(world.worker).post(reverse("notices:remind", args=[notice.pk]), follow=True)
    assert "a notice reminds once" in response.content.decode()
    assert reminded.count() == 1


def test_reminding_twice_at_once_reminds_once(world, b2_person):
    notice = send(world)
    services.notice_remind(actor=world.worker, notice=notice)
    with pytest.raises(ValidationError):
        services.notice_remind(actor=world.worker, notice=notice)


def test_the_read_matrix_takes_three_queries_whatever_the_number_of_recipients(world):
    notice = send(world)
    rows = [NoticeRecipient(notice=notice, user=make_user(f"p{i}"), name=f"党员{i}", organization=world.b1)
            for i in range(30)]
    NoticeRecipient.objects.bulk_create(rows)
    with CaptureQueriesContext(connection) as queries:
        matrix = selectors.read_matrix(notice)
    # the counts by organization, the organizations' names, the page of who has not read
    assert len(queries) == 3
    assert matrix.total == 31 and matrix.unread == 31


def test_hostile_text_is_sanitized_and_escaped(world, client_for):
    notice = send(world, title="<script>alert(1)</script>", body="<p onclick=x>正文</p><script>alert(2)</script>")
    assert "<script" not in notice.body and "onclick" not in notice.body
    page = client_for(world.member_user).get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_an_oversized_or_disguised_attachment_is_refused_with_nothing_sent(world, client_for):
    client = client_for(world.worker)
    page = client.get(reverse("notices:create") + f"?organization={world.pc.pk}")
    token = page.context["form"].initial["token"]
    big = SimpleUploadedFile("大文件.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024 + 1))
    response = client.post(reverse("notices:create") + f"?organization={world.pc.pk}", {
        "token": token, "title": "附件通知", "body": "见附件", "priority": "normal",
        "to_organizations": [world.b1.pk], "attachments": [big]})
    assert response.status_code == 200 and "larger than" in response.content.decode()
    fake = SimpleUploadedFile("名单.pdf", b"MZ\x90\x00program")
    response = client.post(reverse("notices:create") + f"?organization={world.pc.pk}", {
        "token": token, "title": "附件通知", "body": "见附件", "priority": "normal",
        "to_organizations": [world.b1.pk], "attachments": [fake]})
    assert "not the kind of file its name says" in response.content.decode()
    assert not Notice.objects.exists()


def test_the_workbench_lists_notices_waiting_for_my_confirmation(world, b2_person):
    notice = send(world, needs_confirmation=True, confirm_by=timezone.localdate() + datetime.timedelta(days=2))
    items = selectors.workbench_items(b2_person)
    assert [i.title for i in items] == [notice.title] and items[0].due == notice.confirm_by
    services.notice_confirm(user=b2_person, notice=notice)
    assert selectors.workbench_items(b2_person) == []


def test_a_notice_confirmed_leaves_the_workbench_and_its_count_at_once(world, b2_person, client_for):
    """The workbench keeps what it gathered until something is written; confirming writes no audit entry, and
    the person's own write (chuxin.core.middleware.OwnWorkMiddleware) renews what is kept for them."""
    notice = send(world, needs_confirmation=True, confirm_by=timezone.localdate() + datetime.timedelta(days=2))
    client = client_for(b2_person)
    page = client.get(reverse("workbench:home")).content.decode()
    assert notice.title in page and ">to read<" in page
    assert ">1</span>" in client.get(reverse("workbench:badge")).content.decode()
    client.get(notice.get_absolute_url())  # opening is reading: the item now asks for the confirmation
    page = client.get(reverse("workbench:home")).content.decode()
    assert notice.title in page and ">to confirm<" in page and ">to read<" not in page
    assert client.post(reverse("notices:confirm", args=[notice.pk])).status_code in (200, 302)
    assert notice.title not in client.get(reverse("workbench:home")).content.decode()
    assert ">1</span>" not in client.get(reverse("workbench:badge")).content.decode()


def test_the_daily_run_reminds_the_unconfirmed_the_day_before(world, b2_person):
    from chuxin.notices.reminders import due_reminders

    today = timezone.localdate()
    notice = send(world, needs_confirmation=True, confirm_by=today + datetime.timedelta(days=1))
    services.notice_confirm(user=b2_person, notice=notice)
    assert [r.recipient.username for r in due_reminders(today)] == ["member"]
    assert due_reminders(today - datetime.timedelta(days=1)) == []


def test_the_sender_is_not_a_recipient_of_their_own_notice(world):
    make_member(world.b1, "党务工作者", user=world.worker)
    notice = services.notice_send(actor=world.worker, organization=world.pc, title="t", body="b",
                                  to_organizations=[world.b1])
    assert list(notice.recipients.values_list("user__username", flat=True)) == ["member"]
    with pytest.raises(ValidationError):  # nobody else in the sender's own organization: refused, not sent
        services.notice_send(actor=world.worker, organization=world.pc, title="t", body="b",
                             to_organizations=[world.g1])
