"""The issue's story through the pages: a superior sends a directive to three branches, two acknowledge and
complete it, the matrix shows the third behind, and a reminder goes to it once a day."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from chuxin.directives.models import Directive, DirectiveRecipient

from .conftest import row_of, sent_days_ago

State = DirectiveRecipient.State


def test_a_superior_sends_to_three_branches_two_complete_and_the_matrix_shows_the_third_behind(
    world, three, client_for, notified, django_capture_on_commit_callbacks
):
    due = timezone.localdate() + datetime.timedelta(days=7)
    client = client_for(world.worker)
    form = client.get(reverse("directives:create"), {"sender": world.pc.pk})
    assert [o.code for o in form.context["subordinates"]] == ["B1", "G1", "B2", "B3"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directives:create") + f"?sender={world.pc.pk}",
            {"title": "关于开展主题党日活动的通知", "body": "一、时间\n二、内容", "due_on": due.isoformat(),
             "recipients": [world.b1.pk, world.b2.pk, three.b3.pk], "kinds": ["branch"]},
        )
    directive = Directive.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("directives:detail", kwargs={"pk": directive.pk})
    assert directive.recipients.count() == 3
    # Each branch's secretary hears of it (B2's secretary is the fixture's "outsider").
    assert sorted((user, kind) for user, kind, _t, _k in notified) == [
        ("outsider", "directive"), ("secretary", "directive"), ("secretary3", "directive")]

    # B1's secretary and B2's secretary acknowledge and complete it from their own pages.
    for user, branch, answer in ((world.secretary, world.b1, "已召开支委会部署，全体党员参加。"),
                                 (world.outsider, world.b2, "已完成，参加党员 12 人。")):
        branch_client = client_for(user)
        inbox = branch_client.get(reverse("directives:inbox"))
        rows = list(inbox.context["page_obj"])
        assert [r.organization for r in rows] == [branch]  # only its own row
        row = rows[0]
        page = branch_client.get(reverse("directives:recipient", kwargs={"pk": row.pk}))
        assert "一、时间<br>二、内容" in page.content.decode()
        branch_client.post(reverse("directives:acknowledge", kwargs={"pk": row.pk}))
        branch_client.post(reverse("directives:complete", kwargs={"pk": row.pk}), {"answer": answer})
        row.refresh_from_db()
        assert (row.state, row.answer, row.completed_by) == (State.COMPLETED, answer, user)

    # The same day, the third has not acknowledged yet, but nobody is behind: it has three working days.
    matrix = client_for(world.worker).get(reverse("directives:detail", kwargs={"pk": directive.pk}))
    counts = matrix.context["counts"]
    assert (counts["total"], counts["completed"], counts["sent"], counts["behind"]) == (3, 2, 1, 0)
    assert 'class="table-danger"' not in matrix.content.decode()

    # A week later: two completed (and so acknowledged too), the third behind (not even acknowledged).
    sent_days_ago(directive, 7)
    matrix = client_for(world.worker).get(reverse("directives:detail", kwargs={"pk": directive.pk}))
    counts = matrix.context["counts"]
    assert (counts["total"], counts["acknowledged"], counts["completed"], counts["sent"], counts["behind"]) == (
        3, 2, 2, 1, 1)
    behind = {r.code: r.behind for r in matrix.context["page_obj"]}
    assert behind == {"B1": False, "B2": False, "B3": True}
    html = matrix.content.decode()
    assert 'data-org="B3" class="table-danger"' in html
    assert "已完成，参加党员 12 人。" in html

    # Only the behind filter: one row.
    only_behind = client.get(reverse("directives:detail", kwargs={"pk": directive.pk}), {"show": "behind"})
    assert [r.code for r in only_behind.context["page_obj"]] == ["B3"]

    # Remind those behind: B3's secretary, once however often the button is pressed today.
    notified.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("directives:remind", kwargs={"pk": directive.pk}))
        client.post(reverse("directives:remind", kwargs={"pk": directive.pk}))
    assert [(user, kind) for user, kind, _t, _k in notified] == [("secretary3", "reminded")]
    b3_row = row_of(directive, three.b3)
    assert b3_row.reminder_count == 1

    # The htmx refresh returns only the matrix partial.
    partial = client.get(reverse("directives:detail", kwargs={"pk": directive.pk}), headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="directive-matrix"')
    assert 'hx-trigger="every 30s"' in partial.content.decode()


def test_a_recipient_turns_a_directive_into_actions_then_answers(world, sent_to_three, client_for):
    row = row_of(sent_to_three, world.b1)
    client = client_for(world.secretary)
    client.post(reverse("directives:action-add", kwargs={"pk": row.pk}),
                {"text": "支委会研究部署", "responsible": world.secretary.pk,
                 "due_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()})
    row.refresh_from_db()
    assert row.state == State.IN_PROGRESS and row.acknowledged_by == world.secretary  # acting acknowledges
    action = row.actions.get()
    client.post(reverse("directives:action-toggle", kwargs={"pk": action.pk}))
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    page = client.get(reverse("directives:recipient", kwargs={"pk": row.pk}))
    assert "支委会研究部署" in page.content.decode()
    client.post(reverse("directives:complete", kwargs={"pk": row.pk}), {"answer": "已按要求完成。"})
    row.refresh_from_db()
    assert row.state == State.COMPLETED


def test_the_send_form_can_target_every_branch_of_the_subtree(world, three, client_for):
    client = client_for(world.worker)
    due = timezone.localdate() + datetime.timedelta(days=3)
    client.post(reverse("directives:create") + f"?sender={world.pc.pk}",
                {"title": "通知", "body": "内容", "due_on": due.isoformat(), "whole_subtree": "on",
                 "kinds": ["branch"]})
    directive = Directive.objects.get()
    assert sorted(directive.recipients.values_list("organization__code", flat=True)) == ["B1", "B2", "B3"]


def test_a_sender_with_one_organization_goes_straight_to_the_form(world, client_for):
    response = client_for(world.secretary).get(reverse("directives:create"))  # B1 has G1 below it
    assert response.templates[0].name == "directives/form.html"
    assert response.context["sender"] == world.b1


def test_the_sent_list_shows_progress(world, sent_to_three, client_for):
    from chuxin.directives import services

    services.directive_complete(actor=world.secretary, recipient=row_of(sent_to_three, world.b1), answer="好")
    response = client_for(world.worker).get(reverse("directives:sent"))
    directive = response.context["page_obj"][0]
    assert (directive.total, directive.completed, directive.unacknowledged) == (3, 1, 2)
