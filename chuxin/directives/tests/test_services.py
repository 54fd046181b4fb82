"""The services' rules: who may send and act, what goes to whom, bad input refused with a clear message, and
repeated clicks harmless."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chuxin.accounts.models import Role
from chuxin.audit.models import AuditEntry
from chuxin.directives import services
from chuxin.directives.models import Directive, DirectiveRecipient
from chuxin.orgs.models import Organization, Position
from chuxin.testing import make_member, make_user

from .conftest import row_of, sent_days_ago

State = DirectiveRecipient.State


def send(world, recipients, *, subtree=False, kinds=None, due_in=5, actor=None, sender=None, **extra):
    return services.directive_send(
        actor=actor or world.worker, sender=sender or world.pc, title="通知", body="内容",
        due_on=timezone.localdate() + datetime.timedelta(days=due_in), recipients=recipients, subtree=subtree,
        kinds=kinds, **extra,
    )


# ---------------------------------------------------------------------------------------------------------------
# Sending


def test_it_refuses_a_recipient_outside_the_senders_subtree(world):
    with pytest.raises(ValidationError) as caught:
        send(world, [world.b1], sender=world.b2, actor=world.worker)  # B1 is B2's sibling, not below it
    assert "第一支部" in caught.value.message_dict["recipients"][0]
    assert not Directive.objects.exists()


def test_it_refuses_the_sender_itself_and_an_ancestor(world):
    for target in (world.pc, world.sup):
        with pytest.raises(ValidationError, match="only to organizations under"):
            send(world, [target], actor=make_user(f"root-{target.code}", is_superuser=True))


def test_it_refuses_a_due_date_in_the_past(world):
    with pytest.raises(ValidationError) as caught:
        send(world, [world.b1], due_in=-1)
    assert "due_on" in caught.value.message_dict
    assert not Directive.objects.exists()


def test_today_is_a_valid_due_date(world):
    assert send(world, [world.b1], due_in=0).due_on == timezone.localdate()


def test_it_refuses_no_recipients_and_an_empty_title(world):
    with pytest.raises(ValidationError, match="at least one organization"):
        send(world, [])
    with pytest.raises(ValidationError) as caught:
        services.directive_send(actor=world.worker, sender=world.pc, title="  ", body="内容",
                                due_on=timezone.localdate(), recipients=[world.b1])
    assert "title" in caught.value.message_dict


def test_it_refuses_a_deactivated_recipient(world):
    world.b2.status = Organization.Status.DEACTIVATED
    world.b2.save()
    with pytest.raises(ValidationError, match="deactivated"):
        send(world, [world.b2])


def test_sending_needs_manage_on_the_sender(world):
    for weak in (world.committee, world.viewer, world.member_user, world.stranger, world.outsider):
        with pytest.raises(PermissionDenied):
            send(world, [world.g1], sender=world.b1, actor=weak)
    assert send(world, [world.g1], sender=world.b1, actor=world.secretary).recipients.count() == 1


def test_the_whole_subtree_goes_to_the_chosen_kinds_only_below_the_sender(world):
    directive = send(world, None, subtree=True, actor=world.viewer.__class__.objects.create_superuser("su"),
                     sender=world.sup)
    codes = sorted(directive.recipients.values_list("organization__code", flat=True))
    assert codes == ["B1", "B2"]  # branches only: not PC, not the Party group
    groups = send(world, [world.b1], subtree=True, kinds=[Organization.Kind.PARTY_GROUP])
    assert sorted(groups.recipients.values_list("organization__code", flat=True)) == ["B1", "G1"]


def test_a_subtree_without_the_chosen_kinds_is_refused(world):
    with pytest.raises(ValidationError, match="at least one organization"):
        send(world, None, subtree=True, kinds=[Organization.Kind.GENERAL_BRANCH])


def test_the_secretaries_and_workers_of_each_recipient_are_told(world, notified,
                                                               django_capture_on_commit_callbacks):
    make_user("b1worker", role=Role.WORKER, org=world.b1)
    seat_holder = make_user("seatholder")
    Position.objects.create(organization=world.b2, kind=Position.Kind.SECRETARY,
                            member=make_member(world.b2, "赵书记", user=seat_holder),
                            started_on=datetime.date(2024, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        directive = send(world, [world.b1, world.b2])
    told = sorted((user, kind) for user, kind, _t, _k in notified)
    # B1: its secretary and its worker (not the committee member); B2: its secretary grant and the seat holder.
    # Not PC's worker: grants on an ancestor reach the branch, but the branch's own people are the ones told.
    assert told == [("b1worker", "directive"), ("outsider", "directive"), ("seatholder", "directive"),
                    ("secretary", "directive")]
    assert {t.organization for _u, _k, t, _d in notified} == {world.b1, world.b2}
    assert all(t.directive == directive for _u, _k, t, _d in notified)


def test_notifications_are_stored_in_the_notification_centre(world, django_capture_on_commit_callbacks):
    from chuxin.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        directive = send(world, [world.b1])
    note = Notification.objects.get(recipient=world.secretary)
    assert (note.kind, note.text) == ("directive", f"New directive: {directive.title} (due {directive.due_on:%Y-%m-%d})")
    assert note.params["title"] == directive.title  # stored untranslated: each reader gets their language
    assert note.url == f"/directives/received/{row_of(directive, world.b1).pk}/"


def test_sending_is_audited(world):
    directive = send(world, [world.b1, world.b2])
    entry = AuditEntry.objects.get(target_type="directives.directive", target_id=str(directive.pk))
    assert entry.changes["recipients"] == ["", "2"]


# ---------------------------------------------------------------------------------------------------------------
# The recipient


def test_acknowledging_twice_is_harmless(world, sent_to_three):
    row = row_of(sent_to_three, world.b1)
    first = services.directive_acknowledge(actor=world.secretary, recipient=row)
    second = services.directive_acknowledge(actor=world.worker, recipient=row)
    assert second.state == State.ACKNOWLEDGED
    assert (second.acknowledged_at, second.acknowledged_by) == (first.acknowledged_at, world.secretary)


def test_completion_needs_an_answer(world, sent_to_three):
    row = row_of(sent_to_three, world.b1)
    for blank in ("", "   \n "):
        with pytest.raises(ValidationError) as caught:
            services.directive_complete(actor=world.secretary, recipient=row, answer=blank)
        assert "answer" in caught.value.message_dict
    row.refresh_from_db()
    assert row.state == State.SENT


def test_completing_acknowledges_too_and_twice_changes_nothing(world, sent_to_three):
    row = row_of(sent_to_three, world.b1)
    done = services.directive_complete(actor=world.secretary, recipient=row, answer="已完成")
    assert (done.state, done.acknowledged_by, done.completed_by) == (State.COMPLETED, world.secretary, world.secretary)
    again = services.directive_complete(actor=world.worker, recipient=row, answer="另一个答复")
    assert (again.answer, again.completed_by, again.completed_at) == ("已完成", world.secretary, done.completed_at)


def test_completion_is_recorded_as_evidence_once(world, sent_to_three, monkeypatch):
    from chuxin.core import registry
    from chuxin.records.models import WorkRecord

    consumed = []  # what the record stream hands its consumers (the responsibility lists), in the same transaction
    monkeypatch.setattr(registry, "consumers", lambda kind: [consumed.append])
    row = row_of(sent_to_three, world.b1)
    services.directive_complete(actor=world.secretary, recipient=row, answer="已完成")
    services.directive_complete(actor=world.secretary, recipient=row, answer="已完成")
    [record] = WorkRecord.objects.exclude(kind="directive_issued")  # the sending was recorded too
    assert consumed == [record]
    assert record.kind == "directive_done"
    assert (record.organization, record.actor, list(record.users.all())) == (world.b1, world.secretary,
                                                                             [world.secretary])
    assert record.on == timezone.localdate()
    assert (record.target_type, record.target_id) == ("directives.directiverecipient", str(row.pk))
    assert record.payload == {"on_time": True}


def test_a_branch_cannot_act_for_its_sibling(world, sent_to_three):
    b2_row = row_of(sent_to_three, world.b2)
    for act in (
        lambda: services.directive_acknowledge(actor=world.secretary, recipient=b2_row),
        lambda: services.directive_complete(actor=world.secretary, recipient=b2_row, answer="代答"),
        lambda: services.directive_action_add(actor=world.secretary, recipient=b2_row, text="代办"),
        lambda: services.directive_acknowledge(actor=world.committee, recipient=row_of(sent_to_three, world.b1)),
    ):
        with pytest.raises(PermissionDenied):
            act()
    b2_row.refresh_from_db()
    assert b2_row.state == State.SENT


def test_an_action_owner_must_belong_to_the_recipient(world, sent_to_three):
    row = row_of(sent_to_three, world.b1)
    with pytest.raises(ValidationError) as caught:
        services.directive_action_add(actor=world.secretary, recipient=row, text="部署", responsible=world.outsider)
    assert "responsible" in caught.value.message_dict
    action = services.directive_action_add(actor=world.secretary, recipient=row, text="部署",
                                           responsible=world.member_user)
    assert action.responsible == world.member_user


def test_no_actions_after_completion(world, sent_to_three):
    row = row_of(sent_to_three, world.b1)
    services.directive_complete(actor=world.secretary, recipient=row, answer="已完成")
    with pytest.raises(ValidationError, match="already been reported"):
        services.directive_action_add(actor=world.secretary, recipient=row, text="补充")


def test_a_closed_directive_takes_no_more_reports(world, sent_to_three):
    services.directive_close(actor=world.worker, directive=sent_to_three)
    row = row_of(sent_to_three, world.b1)
    with pytest.raises(ValidationError, match="closed"):
        services.directive_complete(actor=world.secretary, recipient=row, answer="已完成")
    with pytest.raises(ValidationError, match="closed"):
        services.directive_remind(actor=world.worker, directive=Directive.objects.get())


def test_closing_needs_manage_on_the_sender(world, sent_to_three):
    with pytest.raises(PermissionDenied):
        services.directive_close(actor=world.secretary, directive=sent_to_three)
    with pytest.raises(PermissionDenied):
        services.directive_close(actor=world.viewer, directive=sent_to_three)


# ---------------------------------------------------------------------------------------------------------------
# Reminders to those behind


def test_a_reminder_goes_to_those_behind_at_most_once_a_day(world, three, sent_to_three, notified,
                                                             django_capture_on_commit_callbacks):
    today = timezone.localdate()
    services.directive_complete(actor=world.secretary, recipient=row_of(sent_to_three, world.b1), answer="已完成")
    services.directive_acknowledge(actor=world.outsider, recipient=row_of(sent_to_three, world.b2))
    # Sent today, B3 still has its working days to acknowledge: nobody is behind, nobody is reminded.
    assert services.directive_remind(actor=world.worker, directive=sent_to_three, today=today) == 0
    sent_days_ago(sent_to_three, 7)
    with django_capture_on_commit_callbacks(execute=True):
        # A week on, before the due date, behind means not acknowledged in time: only B3.
        assert services.directive_remind(actor=world.worker, directive=sent_to_three, today=today) == 1
        assert services.directive_remind(actor=world.worker, directive=sent_to_three, today=today) == 0
    assert [(u, k, d) for u, k, _t, d in notified] == [("secretary3", "reminded", f"remind:{today:%Y-%m-%d}")]
    # The next day, again (with a new key, so the notification centre stores it).
    notified.clear()
    tomorrow = today + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.directive_remind(actor=world.worker, directive=sent_to_three, today=tomorrow) == 1
    assert notified[0][3] == f"remind:{tomorrow:%Y-%m-%d}"
    assert row_of(sent_to_three, three.b3).reminder_count == 2


def test_after_the_due_date_everyone_not_completed_is_behind(world, three, sent_to_three):
    services.directive_complete(actor=world.secretary, recipient=row_of(sent_to_three, world.b1), answer="已完成")
    services.directive_acknowledge(actor=world.outsider, recipient=row_of(sent_to_three, world.b2))
    late = sent_to_three.due_on + datetime.timedelta(days=1)
    assert services.directive_remind(actor=world.worker, directive=sent_to_three, today=late) == 2


def test_reminding_needs_manage_on_the_sender(world, sent_to_three):
    for weak in (world.viewer, world.secretary):
        with pytest.raises(PermissionDenied):
            services.directive_remind(actor=weak, directive=sent_to_three)


def test_a_reminder_to_chosen_rows_skips_those_not_behind(world, three, sent_to_three):
    sent_days_ago(sent_to_three, 7)
    b1_row = row_of(sent_to_three, world.b1)
    services.directive_acknowledge(actor=world.secretary, recipient=b1_row)
    n = services.directive_remind(actor=world.worker, directive=sent_to_three,
                                  recipients=[b1_row, row_of(sent_to_three, three.b3)])
    assert n == 1
    assert list(DirectiveRecipient.objects.filter(reminder_count=1).values_list("organization__code", flat=True)) == [
        "B3"]
