"""Reminders before a stage closes: within three days of the self-assessments' date, those who have not written;
within three days of grading's close, those who have not voted. Once each (the daily run's dedup key)."""

from __future__ import annotations

import datetime

from chuxin.evaluation import services
from chuxin.evaluation.reminders import due_reminders
from chuxin.notifications.reminders import send_due_reminders


def test_members_are_reminded_before_each_stage_closes(branch):
    evaluation = branch.open()  # self-assessments due in 3 days, grading closes in 7
    services.self_assessment_write(actor=branch.user("陈一"), evaluation=evaluation, text="自评")
    today = branch.today
    assert due_reminders(today - datetime.timedelta(days=1)) == []  # 4 days before: not yet
    names = sorted(r.recipient.username for r in due_reminders(today))
    assert names == ["member", "u-吴三", "u-周二", "u-郑五"]  # 陈一 has written
    services.evaluation_advance(actor=branch.world.secretary, evaluation=evaluation, step="start_grading")
    assert due_reminders(today) == []  # grading closes in 7 days
    others = evaluation.participants.filter(graded=True).exclude(member=branch.member("周二"))
    services.ballot_cast(actor=branch.user("周二"), evaluation=evaluation, grades={p.pk: "qualified" for p in others})
    soon = today + datetime.timedelta(days=5)
    assert sorted(r.recipient.username for r in due_reminders(soon)) == ["member", "u-吴三", "u-郑五", "u-陈一"]


def test_the_daily_run_sends_each_reminder_once(branch):
    from chuxin.notifications.models import Notification

    def evaluation_reminders() -> int:  # the daily run also sends other apps' reminders (a meeting period closing)
        return Notification.objects.filter(target_type__startswith="evaluation.").count()

    branch.open()
    before = evaluation_reminders()
    send_due_reminders(branch.today)
    assert evaluation_reminders() - before == 5  # every participant with a login: nobody has written yet
    send_due_reminders(branch.today)
    assert evaluation_reminders() - before == 5  # once each
