"""notify: once per (recipient, kind, target, dedup_key); email only when configured, after commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from chuxin.notifications.models import Notification
from chuxin.notifications.services import notification_mark_read, notifications_mark_all_read, notify


def send(world, **extra):
    args = {"recipient": world.secretary, "kind": "assigned", "target": world.b1, "title": "新任务：整理党员档案",
            "url": "/orgs/"}
    return notify(**(args | extra))


def test_the_same_key_twice_stores_one_notification(world):
    first = send(world, dedup_key="due:2026-03-01")
    second = send(world, dedup_key="due:2026-03-01", title="changed wording")
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert second.title == "新任务：整理党员档案"


def test_a_new_dedup_key_stores_a_second_notification(world):
    send(world, dedup_key="due:2026-03-01")
    send(world, dedup_key="due:2026-03-08")  # the deadline moved: remind again
    assert Notification.objects.filter(recipient=world.secretary).count() == 2


def test_another_kind_target_or_recipient_is_another_notification(world):
    send(world)
    send(world, kind="overdue")
    send(world, target=world.b2)
    send(world, recipient=world.committee)
    assert Notification.objects.count() == 4


def test_it_records_the_target(world):
    n = send(world)
    assert (n.target_type, n.target_id) == ("orgs.organization", str(world.b1.pk))


def test_no_account_or_an_inactive_one_gets_nothing(world):
    world.committee.is_active = False
    world.committee.save()
    assert send(world, recipient=None) is None
    assert send(world, recipient=world.committee) is None
    assert not Notification.objects.exists()


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"])
def test_a_link_off_the_site_is_dropped(world, url):
    assert send(world, url=url).url == ""


def test_a_race_on_the_same_key_returns_the_stored_one(world, monkeypatch):
    stored = send(world)

    def racing_get_or_create(**kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(Notification.objects, "get_or_create", racing_get_or_create)
    assert send(world).pk == stored.pk


def test_no_email_unless_configured(world, settings, django_capture_on_commit_callbacks):
    settings.CHUXIN_NOTIFY_BY_EMAIL = False
    world.secretary.email = "sec@example.cn"
    world.secretary.save()
    with django_capture_on_commit_callbacks(execute=True):
        send(world)
    assert mail.outbox == []


def test_email_after_commit_when_configured(world, settings, django_capture_on_commit_callbacks):
    settings.CHUXIN_NOTIFY_BY_EMAIL = True
    settings.CHUXIN_SITE_URL = "https://dj.example.cn/"
    world.secretary.email = "sec@example.cn"
    world.secretary.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        n = send(world, body="请于本周内完成。")
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 2  # the e-mail's task and the bell's count renewed (selectors.unread_count)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sec@example.cn"]
    assert "新任务：整理党员档案" in message.subject
    assert "请于本周内完成。" in message.body and "https://dj.example.cn/orgs/" in message.body
    n.refresh_from_db()
    assert n.emailed_at is not None


def test_a_repeated_notify_emails_once(world, settings, django_capture_on_commit_callbacks):
    settings.CHUXIN_NOTIFY_BY_EMAIL = True
    world.secretary.email = "sec@example.cn"
    world.secretary.save()
    with django_capture_on_commit_callbacks(execute=True):
        send(world)
        send(world)
    assert len(mail.outbox) == 1


def test_no_email_without_an_address(world, settings, django_capture_on_commit_callbacks):
    settings.CHUXIN_NOTIFY_BY_EMAIL = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send(world)
    assert len(callbacks) == 1 and mail.outbox == []  # the bell's count renewed, no e-mail task


def test_mark_read_keeps_the_first_reading_time(world):
    n = send(world)
    first = notification_mark_read(user=world.secretary, notification=n).read_at
    assert first is not None
    again = notification_mark_read(user=world.secretary, notification=Notification.objects.get(pk=n.pk))
    assert again.read_at == first


def test_mark_read_refuses_someone_elses(world):
    n = send(world)
    with pytest.raises(PermissionDenied):
        notification_mark_read(user=world.committee, notification=n)
    assert Notification.objects.get(pk=n.pk).read_at is None


def test_mark_all_read_touches_only_mine(world):
    send(world)
    send(world, kind="overdue")
    send(world, recipient=world.committee)
    assert notifications_mark_all_read(user=world.secretary) == 2
    assert Notification.objects.get(recipient=world.committee).read_at is None


def test_the_bells_count_is_kept_and_follows_every_change(world, django_assert_num_queries):
    """The unread count every page shows is kept per person (selectors.unread_count) and renewed by each change
    of their unread notifications: a new one, one read, all read; another person's change leaves it alone."""
    from chuxin.notifications.selectors import unread_count

    assert unread_count(world.secretary) == 0
    first = send(world, dedup_key="a")
    send(world, dedup_key="b")
    send(world, dedup_key="b")  # the same again: stored once, counted once
    assert unread_count(world.secretary) == 2
    with django_assert_num_queries(0):
        assert unread_count(world.secretary) == 2  # kept
    send(world, recipient=world.worker)  # someone else's: the secretary's count stays kept
    with django_assert_num_queries(0):
        assert unread_count(world.secretary) == 2
    assert unread_count(world.worker) == 1
    notification_mark_read(user=world.secretary, notification=first)
    assert unread_count(world.secretary) == 1
    notification_mark_read(user=world.secretary, notification=first)  # read already: nothing changes
    assert unread_count(world.secretary) == 1
    notifications_mark_all_read(user=world.secretary)
    assert unread_count(world.secretary) == 0
    send(world, dedup_key="c")
    assert unread_count(world.secretary) == 1 and unread_count(world.worker) == 1
