"""What other apps read from directives: workbench items, scheduled reminders, a period's facts; and the demo."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from chuxin.core.protocols import Fact
from chuxin.directives import selectors, services
from chuxin.directives.models import Directive, DirectiveRecipient
from chuxin.directives.reminders import due_reminders

from .conftest import row_of


def from_sup(world, *, due_in: int = 5, recipients=None):
    root = world.stranger.__class__.objects.filter(username="root-r").first() or (
        world.stranger.__class__.objects.create_superuser("root-r"))
    return services.directive_send(actor=root, sender=world.sup, title="上级通知", body="内容",
                                   due_on=timezone.localdate() + datetime.timedelta(days=due_in),
                                   recipients=recipients or [world.pc, world.b1])


# ---------------------------------------------------------------------------------------------------------------
# Workbench


def test_workbench_lists_what_to_acknowledge_and_complete_for_managed_organizations(world, sent_to_three):
    directive = from_sup(world)
    items = {(i.organization, i.state) for i in selectors.workbench_items(world.worker)}
    # The worker manages PC and its branches: the directive from SUP for PC and B1; not PC's own directive.
    assert items == {("基层党委", "to acknowledge"), ("第一支部", "to acknowledge")}
    services.directive_acknowledge(actor=world.secretary, recipient=row_of(directive, world.b1))
    secretary_items = selectors.workbench_items(world.secretary)
    assert [(i.title, i.state) for i in secretary_items] == [
        ("关于开展主题党日活动的通知", "to acknowledge"), ("上级通知", "to complete")]
    assert secretary_items[1].url == f"/directives/received/{row_of(directive, world.b1).pk}/"
    assert selectors.workbench_items(world.committee) == []  # reading is not acting
    assert selectors.workbench_items(world.viewer) == []


def test_workbench_flags_overdue_and_drops_completed_and_closed(world, sent_to_three):
    row = row_of(sent_to_three, world.b1)
    Directive.objects.filter(pk=sent_to_three.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    [item] = selectors.workbench_items(world.secretary)
    assert (item.overdue, item.state, item.kind) == (True, "overdue", "directive")
    assert item.uid == f"directive-recipient-{row.pk}@chuxin"
    services.directive_complete(actor=world.secretary, recipient=row, answer="已完成")
    assert selectors.workbench_items(world.secretary) == []
    services.directive_close(actor=world.worker, directive=sent_to_three)
    assert selectors.workbench_items(world.outsider) == []


# ---------------------------------------------------------------------------------------------------------------
# Scheduled reminders


def test_due_reminders_go_to_the_officers_of_rows_due_soon_or_overdue(world, three, sent_to_three):
    today = timezone.localdate()
    due = sent_to_three.due_on
    services.directive_complete(actor=world.secretary, recipient=row_of(sent_to_three, world.b1), answer="已完成")
    assert due_reminders(due - datetime.timedelta(days=3)) == []  # not yet within two days
    soon = due_reminders(due - datetime.timedelta(days=2))
    assert sorted((r.recipient.username, r.kind, r.dedup_key) for r in soon) == [
        ("outsider", "due_soon", f"due:{due:%Y-%m-%d}"), ("secretary3", "due_soon", f"due:{due:%Y-%m-%d}")]
    late = due_reminders(due + datetime.timedelta(days=1))
    assert {r.kind for r in late} == {"overdue"}
    assert {r.target.organization for r in late} == {world.b2, three.b3}
    assert late[0].url.startswith("/directives/received/")
    services.directive_close(actor=world.worker, directive=sent_to_three)
    assert due_reminders(today + datetime.timedelta(days=30)) == []


def test_due_reminders_are_gathered_and_sent_once(world, three, sent_to_three):
    from chuxin.notifications.models import Notification
    from chuxin.notifications.reminders import collect

    day = sent_to_three.due_on - datetime.timedelta(days=1)
    ours = [r for r in collect(day) if r.url.startswith("/directives/")]
    assert len(ours) == 3
    from chuxin.notifications.services import notify

    for _ in range(2):
        for r in ours:
            notify(recipient=r.recipient, kind=r.kind, target=r.target, title=r.title, url=r.url,
                   dedup_key=r.dedup_key, params=r.params)
    assert Notification.objects.filter(kind="due_soon").count() == 3


def test_due_reminders_take_three_queries(world, three, sent_to_three, django_assert_num_queries):
    with django_assert_num_queries(3):  # the rows, the officers' holdings (grants and seats), their accounts
        due_reminders(sent_to_three.due_on)


# ---------------------------------------------------------------------------------------------------------------
# A period's facts, for the reports


def test_period_facts_count_on_time_late_and_open(world, three, sent_to_three):
    from chuxin.orgs.services import organization_create

    today = timezone.localdate()
    rows = {row.organization.code: row for row in sent_to_three.recipients.select_related("organization")}
    services.directive_complete(actor=world.secretary, recipient=rows["B1"], answer="按时完成")
    services.directive_complete(actor=world.outsider, recipient=rows["B2"], answer="逾期完成")
    DirectiveRecipient.objects.filter(pk=rows["B2"].pk).update(
        completed_at=timezone.now() + datetime.timedelta(days=10))  # after the due date

    def counts(facts: list[Fact]) -> dict[str, int]:
        return {fact.code: fact.count for fact in facts}

    facts = selectors.period_facts(world.pc, today.replace(day=1), today + datetime.timedelta(days=1))
    assert all(isinstance(fact, Fact) for fact in facts)
    assert counts(facts) == {"received": 3, "completed_on_time": 1, "completed_late": 1, "open": 1, "open_overdue": 0}
    assert [fact.label for fact in facts] == [
        "Directives received", "Completed on time", "Completed late", "Still open", "Open past their due date"]
    [received] = [fact for fact in facts if fact.code == "received"]
    # One row per receiving organization (第一支部, 第二支部, 第三支部), listed by the directive's title.
    assert received.items == ["关于开展主题党日活动的通知"] * 3
    assert received.sentence == "3 directives from above received, 2 completed (1 on time), 1 still open"
    assert not received.titles_in_sentence  # the same title three times says nothing more
    assert not any(fact.sentence for fact in facts if fact.code != "received")
    lone_sentence = selectors.period_facts(world.pc, today - datetime.timedelta(days=40),
                                           today - datetime.timedelta(days=10))[0].sentence
    assert lone_sentence == ""  # nothing received: no sentence

    # One organization alone; another period; an organization elsewhere.
    assert counts(selectors.period_facts(world.b1, today, today, subtree=False))["received"] == 1
    assert counts(selectors.period_facts(world.pc, today, today, subtree=False))["received"] == 0
    assert counts(selectors.period_facts(world.pc, today - datetime.timedelta(days=40),
                                         today - datetime.timedelta(days=10)))["received"] == 0
    lone = organization_create(actor=None, parent=None, name="别处", code="ELSE", kind="superior_committee")
    assert counts(selectors.period_facts(lone, today, today))["received"] == 0
    # Open past the due date, seen later.
    late = selectors.period_facts(world.pc, today, today, today=sent_to_three.due_on + datetime.timedelta(days=1))
    assert counts(late)["open_overdue"] == 1


def test_the_reports_app_reads_period_facts(world, sent_to_three):
    from chuxin.reports.facts import gather, summary_lines

    today = timezone.localdate()
    facts = gather(world.pc, today.replace(day=1), today)
    assert {fact["code"]: fact["count"] for fact in facts["directives"]}["received"] == 3
    # Zero counts say nothing: not "0 completed (0 on time)".
    assert "3 directives from above received, 3 still open" in summary_lines(facts)


# ---------------------------------------------------------------------------------------------------------------
# Demo data


def test_the_demo_has_a_directive_from_above_and_one_with_a_branch_behind(db, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    call_command("seed_demo", unit_only=True, verbosity=0)
    from chuxin.directives.demo import SELF_CHECK, THEMED_DAY, seed_demo_data

    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo_data(today=today)
        seed_demo_data(today=today)  # idempotent
    assert Directive.objects.filter(title=THEMED_DAY, sender__code="SASAC-PC").count() == 1
    self_check = Directive.objects.get(title=SELF_CHECK, sender__code="HX-PC")
    states = dict(self_check.recipients.values_list("organization__code", "state"))
    assert states == {"HX-B01": "completed", "HX-B02": "completed", "HX-B03": "sent"}
    counts = selectors.directive_counts(self_check, today)
    assert (counts["completed"], counts["behind"]) == (2, 1)
    assert all(row.completed_on_time for row in self_check.recipients.filter(state="completed"))
    from chuxin.accounts.models import User

    worker = User.objects.get(username="worker")
    assert [i.title for i in selectors.workbench_items(worker)] == [THEMED_DAY]


@pytest.mark.parametrize("counts, sentence", [
    ({"received": 3, "on_time": 2, "late": 1, "still_open": 0}, "3 directives from above received, 3 completed (2 on time)"),
    ({"received": 3, "on_time": 3, "late": 0, "still_open": 0}, "3 directives from above received, 3 completed, all on time"),
    ({"received": 2, "on_time": 0, "late": 1, "still_open": 1}, "2 directives from above received, 1 completed, 1 still open"),
    ({"received": 1, "on_time": 0, "late": 0, "still_open": 1}, "1 directive from above received, 1 still open"),
    ({"received": 0, "on_time": 0, "late": 0, "still_open": 0}, ""),
])
def test_the_pre_filled_sentence_leaves_out_zero_counts(counts, sentence):
    assert selectors.directives_sentence(**counts) == sentence


def test_the_pre_filled_sentence_in_chinese(settings):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert selectors.directives_sentence(received=3, on_time=2, late=1, still_open=0) == (
            "收到上级交办事项3项，已办结3项（按期2项）")
