"""A directive sent by mistake is withdrawn by its sender before any recipient completed it: the recipients are
told, it leaves their workbenches and inboxes, and the audit log says who did it. After a completion it can only
be closed."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chuxin.audit.models import AuditEntry
from chuxin.directives import selectors, services
from chuxin.directives.models import Directive
from chuxin.directives.states import DIRECTIVES
from chuxin.notifications.models import Notification

from .conftest import row_of


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_sender_withdraws_and_every_recipient_is_told(world, three, sent_to_three, client_for,
                                                          django_capture_on_commit_callbacks):
    client = client_for(world.worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("directives:withdraw", args=[sent_to_three.pk]))
    assert response["Location"] == reverse("directives:detail", args=[sent_to_three.pk])
    assert said(response) == ["The directive has been withdrawn; its recipients have been told."]
    sent_to_three.refresh_from_db()
    assert sent_to_three.status == Directive.Status.WITHDRAWN and sent_to_three.closed_at is not None

    told = Notification.objects.filter(kind="withdrawn").order_by("recipient__username")
    assert [n.recipient.username for n in told] == ["outsider", "secretary", "secretary3"]
    note = told.get(recipient=world.secretary)
    assert note.text == f"Withdrawn by {world.pc.name}: {sent_to_three.title}"
    assert note.url == reverse("directives:recipient", args=[row_of(sent_to_three, world.b1).pk])

    [entry] = AuditEntry.objects.filter(target_type="directives.directive", target_id=str(sent_to_three.pk),
                                        action=AuditEntry.Action.UPDATE)
    assert (entry.actor, entry.organization, entry.changes) == (
        world.worker, world.pc, {"status": ["open", "withdrawn"]})


def test_a_withdrawn_directive_leaves_the_workbench_and_the_open_inbox(world, three, sent_to_three, client_for):
    assert [i.title for i in selectors.workbench_items(world.secretary)] == [sent_to_three.title]
    services.directive_withdraw(actor=world.worker, directive=sent_to_three)
    assert selectors.workbench_items(world.secretary) == []
    assert list(selectors.inbox_list(world.secretary)) == []
    # The row stays readable, marked withdrawn, and takes no more steps.
    row = row_of(sent_to_three, world.b1)
    page = client_for(world.secretary).get(reverse("directives:recipient", args=[row.pk])).content.decode()
    assert 'data-status="withdrawn">withdrawn</span>' in page
    assert reverse("directives:acknowledge", args=[row.pk]) not in page
    with pytest.raises(ValidationError, match="withdrawn by its sender"):
        services.directive_acknowledge(actor=world.secretary, recipient=row)


def test_after_a_recipient_completed_it_can_no_longer_be_withdrawn(world, three, sent_to_three, client_for,
                                                                   django_capture_on_commit_callbacks):
    services.directive_complete(actor=world.secretary, recipient=row_of(sent_to_three, world.b1), answer="已落实")
    client = client_for(world.worker)
    page = client.get(reverse("directives:detail", args=[sent_to_three.pk])).content.decode()
    assert reverse("directives:withdraw", args=[sent_to_three.pk]) not in page  # close remains
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("directives:withdraw", args=[sent_to_three.pk]))
    assert said(response) == [f"{world.b1.name} already reported it completed, so it can no longer be withdrawn; "
                              "close it instead."]
    sent_to_three.refresh_from_db()
    assert sent_to_three.status == Directive.Status.OPEN
    assert not Notification.objects.filter(kind="withdrawn").exists()
    assert not AuditEntry.objects.filter(target_id=str(sent_to_three.pk), changes__status__1="withdrawn").exists()


def test_a_closed_directive_cannot_be_withdrawn_and_withdrawing_twice_changes_nothing(world, three, sent_to_three):
    services.directive_close(actor=world.worker, directive=sent_to_three)
    with pytest.raises(ValidationError, match="Only an open directive can be withdrawn."):
        services.directive_withdraw(actor=world.worker, directive=sent_to_three)

    other = services.directive_send(actor=world.worker, sender=world.pc, title="发错的通知", body="内容",
                                    due_on=three.today, recipients=[world.b1])
    services.directive_withdraw(actor=world.worker, directive=other)
    count = AuditEntry.objects.count()
    assert services.directive_withdraw(actor=world.worker, directive=other).status == Directive.Status.WITHDRAWN
    assert AuditEntry.objects.count() == count
    # Nor does closing a withdrawn one make it "closed".
    services.directive_close(actor=world.worker, directive=other)
    other.refresh_from_db()
    assert other.status == Directive.Status.WITHDRAWN


def test_only_a_manager_of_the_sender_may_withdraw(world, three, sent_to_three, client_for):
    # The recipients' own secretaries cannot take it back, nor can a reader of the sender.
    for user in (world.secretary, world.viewer):
        with pytest.raises(PermissionDenied):
            services.directive_withdraw(actor=user, directive=sent_to_three)
    assert client_for(world.viewer).post(reverse("directives:withdraw", args=[sent_to_three.pk])).status_code == 403
    sent_to_three.refresh_from_db()
    assert sent_to_three.status == Directive.Status.OPEN
    assert DIRECTIVES.may(world.worker, sent_to_three, "withdraw")


def test_the_matrix_offers_withdraw_with_a_question_and_shows_the_status_after(world, three, sent_to_three,
                                                                             client_for):
    client = client_for(world.worker)
    url = reverse("directives:detail", args=[sent_to_three.pk])
    page = client.get(url).content.decode()
    assert (f'action="{reverse("directives:withdraw", args=[sent_to_three.pk])}" data-cx-confirm="Withdraw this '
            "directive?") in page
    services.directive_withdraw(actor=world.worker, directive=sent_to_three)
    page = client.get(url).content.decode()
    assert 'data-status="withdrawn">withdrawn</span>' in page
    assert reverse("directives:withdraw", args=[sent_to_three.pk]) not in page
    assert reverse("directives:remind", args=[sent_to_three.pk]) not in page
    sent = client.get(reverse("directives:sent")).content.decode()
    assert 'data-status="withdrawn">withdrawn</span>' in sent


def test_a_withdrawn_directive_does_not_count_in_the_reports_facts(world, three, sent_to_three):
    facts = {f.code: f.count for f in selectors.period_facts(world.pc, three.today, three.today)}
    assert facts["received"] == 3
    services.directive_withdraw(actor=world.worker, directive=sent_to_three)
    facts = {f.code: f.count for f in selectors.period_facts(world.pc, three.today, three.today)}
    assert facts["received"] == 0 and facts["open"] == 0
