"""A notification is stored untranslated and read in the reader's language: the same notification reads in
Chinese to one person and in English to another; the e-mail goes out in the recipient's language; notifications
stored before messages existed keep showing their stored title."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from chuxin.notifications.models import Notification
from chuxin.notifications.services import notify

ASSIGNED = gettext_noop("You have been assigned: %(task)s")


@pytest.fixture(autouse=True)
def _chinese_by_default(settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the product's default, for what is written when nobody asks


def page(client, language: str) -> str:
    return client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_same_notification_reads_in_each_readers_language(world, client_for):
    notify(recipient=world.secretary, kind="assigned", target=world.b1, title=ASSIGNED,
           params={"task": "制定学习计划"}, url="/orgs/")
    client = client_for(world.secretary)
    assert "您有新任务：制定学习计划" in page(client, "zh-hans")
    english = page(client, "en")
    assert "You have been assigned: 制定学习计划" in english
    assert "您有新任务" not in english


def test_it_stores_the_message_its_parameters_and_the_title_in_the_default_language(world):
    n = notify(recipient=world.secretary, kind="assigned", target=world.b1, title=ASSIGNED,
               params={"task": "制定学习计划"}, url="/orgs/")
    n.refresh_from_db()
    assert (n.message, n.params, n.title) == (ASSIGNED, {"task": "制定学习计划"}, "您有新任务：制定学习计划")


def test_a_lazy_message_is_stored_untranslated_too(world):
    with translation.override("en"):
        n = notify(recipient=world.secretary, kind="assigned", target=world.b1,
                   title=gettext_lazy("You have been assigned: %(task)s"), params={"task": "学习"}, url="/orgs/")
    assert n.message == ASSIGNED
    with translation.override("zh-hans"):
        assert n.text == "您有新任务：学习"


def test_a_period_parameter_is_named_in_the_readers_language(world):
    from chuxin.reports.models import period_message

    n = notify(recipient=world.secretary, kind="accepted", target=world.b1,
               title=gettext_noop("Report accepted: %(requirement)s %(period)s"), url="/orgs/",
               params={"requirement": "支部工作报告", "period": period_message("quarterly", datetime.date(2026, 10, 1))})
    month = notify(recipient=world.secretary, kind="accepted", target=world.b2,
                   title=gettext_noop("Report accepted: %(requirement)s %(period)s"), url="/orgs/",
                   params={"requirement": "月报", "period": period_message("monthly", datetime.date(2026, 11, 1))})
    with translation.override("zh-hans"):
        assert (n.text, month.text) == ("报告已通过：支部工作报告 2026年第四季度", "报告已通过：月报 2026年11月")
    with translation.override("en"):
        assert (n.text, month.text) == ("Report accepted: 支部工作报告 Q4 2026", "Report accepted: 月报 November 2026")


def test_rows_stored_before_messages_show_their_title(world, client_for):
    Notification.objects.create(recipient=world.secretary, kind="assigned", title="旧通知：请整理党员档案",
                                url="/orgs/")
    client = client_for(world.secretary)
    assert "旧通知：请整理党员档案" in page(client, "en")
    assert "旧通知：请整理党员档案" in page(client, "zh-hans")


def test_a_title_already_written_is_kept_as_it_is(world):
    n = notify(recipient=world.secretary, kind="directive", target=world.b1, title="关于开展自查的通知", url="/orgs/")
    assert (n.message, n.title) == ("", "关于开展自查的通知")
    with translation.override("en"):
        assert n.text == "关于开展自查的通知"


def test_a_message_with_a_percent_sign_in_a_parameter_is_harmless(world):
    n = notify(recipient=world.secretary, kind="assigned", target=world.b1, title=ASSIGNED,
               params={"task": "完成率100%(%(x)s)"}, url="/orgs/")
    with translation.override("en"):
        assert n.text == "You have been assigned: 完成率100%(%(x)s)"


def send_email(world, settings, django_capture_on_commit_callbacks):
    settings.CHUXIN_NOTIFY_BY_EMAIL = True
    world.secretary.email = "sec@example.cn"
    world.secretary.save()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        # Written while someone reads English: the e-mail still follows the recipient, not the writer.
        notify(recipient=world.secretary, kind="assigned", target=world.b1, title=ASSIGNED,
               params={"task": "制定学习计划"}, url="/orgs/")
    return mail.outbox[0]


def test_the_email_is_in_chinese_unless_the_recipient_chose_otherwise(world, settings,
                                                                       django_capture_on_commit_callbacks):
    message = send_email(world, settings, django_capture_on_commit_callbacks)
    assert "您有新任务：制定学习计划" in message.subject and "您有新任务：制定学习计划" in message.body


def test_the_email_follows_the_recipients_language(world, settings, django_capture_on_commit_callbacks,
                                                   monkeypatch):
    from chuxin.notifications import services

    # An account that keeps the person's choice of language (the e-mail job reads the account afresh).
    monkeypatch.setattr(services.User, "language", "en", raising=False)
    message = send_email(world, settings, django_capture_on_commit_callbacks)
    assert "You have been assigned: 制定学习计划" in message.subject


# --- what the apps send ------------------------------------------------------------------------------------------


def test_english_pages_show_english_notifications_from_the_apps(people_files, world, client_for,
                                                               django_capture_on_commit_callbacks):
    """Real writes in Chinese (the default), read in English: every app's notification is in English."""
    from chuxin.directives.services import directive_remind, directive_send
    from chuxin.plans.models import Plan, PlanArea, PlanItem
    from chuxin.plans.services import plan_publish, task_create

    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        plan = Plan.objects.create(organization=world.b1, year=2030, title="年度计划", owner=world.secretary)
        area = PlanArea.objects.create(organization=world.b1, name="组织建设", order=1)
        item = PlanItem.objects.create(plan=plan, area=area, title="规范三会一课")
        # The Party-affairs worker plans the branch's task and publishes (the secretary is not told of their own).
        task_create(actor=world.worker, plan_item=item, title="制定学习计划", start_on=datetime.date(2030, 1, 1),
                    due_on=datetime.date(2030, 3, 31), lead=world.secretary)
        plan_publish(actor=world.worker, plan=plan)
        directive = directive_send(actor=world.worker, sender=world.pc, title="关于开展自查的通知", body="请自查",
                                   due_on=datetime.date(2030, 12, 3), recipients=[world.b1])
        # A week on, the branch has not acknowledged it: it is behind, and reminded.
        directive.created_at -= datetime.timedelta(days=7)
        directive.save(update_fields=["created_at"])
        directive_remind(actor=world.worker, directive=directive)
    client = client_for(world.secretary)
    english = page(client, "en")
    assert "You have been assigned: 制定学习计划" in english
    assert "New directive: 关于开展自查的通知 (due 2030-12-03)" in english
    assert "Reminder: 关于开展自查的通知 (due 2030-12-03)" in english
    assert "您有新任务" not in english and "催办" not in english
    chinese = page(client, "zh-hans")
    assert "您有新任务：制定学习计划" in chinese and "催办：关于开展自查的通知（截止2030-12-03）" in chinese


def test_reminders_are_stored_untranslated(people_files, world):
    from chuxin.notifications.reminders import send_due_reminders
    from chuxin.plans.models import Plan, PlanArea, PlanItem
    from chuxin.plans.services import plan_publish, task_create

    plan = Plan.objects.create(organization=world.b1, year=2030, title="年度计划", owner=world.secretary)
    area = PlanArea.objects.create(organization=world.b1, name="组织建设", order=1)
    item = PlanItem.objects.create(plan=plan, area=area, title="规范三会一课")
    task_create(actor=world.secretary, plan_item=item, title="制定学习计划", start_on=datetime.date(2030, 1, 1),
                due_on=datetime.date(2030, 3, 31), lead=world.secretary)
    plan_publish(actor=world.secretary, plan=plan)
    send_due_reminders(datetime.date(2030, 4, 2))
    overdue = Notification.objects.get(recipient=world.secretary, kind="overdue", target_type="plans.task")
    assert overdue.message == "Overdue since %(date)s: %(task)s"
    with translation.override("en"):
        assert overdue.text == "Overdue since 2030-03-31: 制定学习计划"
    with translation.override("zh-hans"):
        assert overdue.text == "自2030-03-31起逾期：制定学习计划"


def test_a_stored_message_that_no_longer_fits_its_parameters_still_reads(world):
    n = Notification.objects.create(recipient=world.secretary, kind="assigned", title="您有新任务：学习",
                                    message="You have been assigned: %(task)s", params={"other": "x"})
    with translation.override("en"):
        assert n.text == "您有新任务：学习"  # the title it was stored with
    n.params, n.message, n.title = {}, "Progress 100%", ""
    assert n.text == "Progress 100%"
