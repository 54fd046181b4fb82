"""The daily reminder job: collected from every app's reminders module, each reminder sent once."""

from __future__ import annotations

import datetime
import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chuxin.core import registry
from chuxin.core.protocols import Reminder
from chuxin.notifications.models import Notification
from chuxin.notifications.reminders import collect, send_due_reminders

TODAY = datetime.date(2026, 3, 1)


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue().strip()


def test_every_app_declares_its_reminders_in_the_registry():
    declared = {app for app, _source in registry.reminder_sources()}
    assert declared == {"plans", "directives", "reports", "responsibilities", "meetings", "evaluation", "notices",
                        "learning", "activities", "campaigns", "dues", "joint", "quizzes", "recruitment", "transfers"}
    # members: checked imports never confirmed have their files dropped
    # notices: the robots' pushes still queued (a worker or a platform that was down)
    # dues: this month's bills; quizzes: exam papers left open past their deadline are handed in
    assert {app for app, _job in registry.housekeeping()} == {"members", "reports", "responsibilities", "notices", "dues",
                                                              "quizzes"}


def test_the_job_collects_an_apps_reminders(fake_reminders):
    assert [r.title for r in collect(TODAY)] == [r.title for r in fake_reminders.items]
    assert fake_reminders.calls == [TODAY]


def test_a_second_run_sends_nothing(fake_reminders):
    assert send_due_reminders(TODAY) == 2
    assert send_due_reminders(TODAY) == 0
    assert Notification.objects.count() == 2
    n = Notification.objects.get(kind="overdue")
    assert (n.recipient_id, n.url, n.dedup_key) == (fake_reminders.items[1].recipient.pk, "/orgs/", "due:2026-02-28")


def test_a_moved_deadline_reminds_again(fake_reminders, world):
    send_due_reminders(TODAY)
    fake_reminders.items[0] = Reminder(recipient=world.secretary, kind="due_soon", target=world.b1,
                                       title="支部工作计划将于3日后到期", url="/orgs/", dedup_key="due:2026-03-11")
    assert send_due_reminders(TODAY) == 1


def test_one_failing_app_does_not_silence_the_others(fake_reminders, monkeypatch, caplog):
    def due_reminders(today):
        raise RuntimeError("boom")

    fake_reminders.sources.insert(0, ("plans", due_reminders))
    with caplog.at_level(logging.ERROR, logger="chuxin.notifications.reminders"):
        assert send_due_reminders(TODAY) == 2
    assert "plans" in caplog.text


def test_the_job_defaults_to_today(fake_reminders):
    send_due_reminders()
    assert fake_reminders.calls and isinstance(fake_reminders.calls[0], datetime.date)


def test_the_command_now_says_how_many_were_sent(fake_reminders):
    assert run("--now", "--date", "2026-03-01") == "Sent 2 reminder(s)."
    assert run("--now", "--date", "2026-03-01") == "Sent 0 reminder(s)."
    assert fake_reminders.calls == [TODAY, TODAY]


def test_the_command_enqueues_the_job_by_default(fake_reminders):
    # The test settings run tasks at once (immediate backend); in production the worker picks the job up.
    output = run("--date", "2026-03-01")
    assert output.startswith("Enqueued the reminder job")
    assert fake_reminders.calls == [TODAY]
    assert Notification.objects.count() == 2


def test_the_command_refuses_a_bad_date(fake_reminders):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--now", "--date", "1 March")


def test_the_demo_data_runs_the_job_once(fake_reminders):
    from chuxin.notifications.demo import seed_demo_data

    seed_demo_data(today=TODAY)
    seed_demo_data(today=TODAY)
    assert Notification.objects.count() == 2
