"""The pages: who sees which rows and buttons, and bad input shown clearly without losing what was typed."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from chuxin.directives import services
from chuxin.directives.models import Directive, DirectiveRecipient

from .conftest import row_of

State = DirectiveRecipient.State


def url(name, obj):
    return reverse(f"directives:{name}", kwargs={"pk": obj.pk})


def from_sup(world):
    root = get_user_model().objects.create_superuser("root-sup")
    return services.directive_send(actor=root, sender=world.sup, title="上级通知", body="内容",
                                   due_on=timezone.localdate(), recipients=[world.pc])


# ---------------------------------------------------------------------------------------------------------------
# Access


def test_a_branch_sees_only_its_own_recipient_row(world, sent_to_three, client_for):
    client = client_for(world.secretary)
    assert client.get(url("recipient", row_of(sent_to_three, world.b1))).status_code == 200
    b2_row = row_of(sent_to_three, world.b2)
    assert client.get(url("recipient", b2_row)).status_code == 404
    assert client.post(url("acknowledge", b2_row)).status_code == 404
    assert client.post(url("complete", b2_row), {"answer": "代答"}).status_code == 404
    assert client.post(url("action-add", b2_row), {"text": "代办"}).status_code == 404
    b2_row.refresh_from_db()
    assert b2_row.state == State.SENT


def test_a_branch_cannot_see_the_senders_matrix(world, sent_to_three, client_for):
    assert client_for(world.secretary).get(url("detail", sent_to_three)).status_code == 404
    page = client_for(world.secretary).get(url("recipient", row_of(sent_to_three, world.b1)))
    assert page.context["can_see_matrix"] is False
    assert url("detail", sent_to_three) not in page.content.decode()


def test_a_reader_of_the_sender_sees_the_matrix_but_cannot_remind_or_close(world, sent_to_three, client_for):
    client = client_for(world.viewer)  # superior viewer: READ on SUP and so on PC
    page = client.get(url("detail", sent_to_three))
    assert page.status_code == 200
    assert 'data-testid="remind"' not in page.content.decode()
    assert client.post(url("remind", sent_to_three)).status_code == 403
    assert client.post(url("close", sent_to_three)).status_code == 403
    assert Directive.objects.get().is_open


def test_a_committee_member_reads_the_branchs_row_without_the_buttons(world, sent_to_three, client_for):
    client = client_for(world.committee)
    row = row_of(sent_to_three, world.b1)
    page = client.get(url("recipient", row))
    assert page.status_code == 200
    assert page.context["complete_form"] is None and page.context["action_form"] is None
    assert client.post(url("acknowledge", row)).status_code == 403


def test_the_inbox_shows_directives_from_above_not_those_sent_from_within_reach(world, sent_to_three, client_for):
    received = from_sup(world)
    worker_rows = list(client_for(world.worker).get(reverse("directives:inbox")).context["page_obj"])
    assert [r.directive for r in worker_rows] == [received]  # PC's own directive to its branches is on "sent"
    viewer_rows = list(client_for(world.viewer).get(reverse("directives:inbox")).context["page_obj"])
    assert viewer_rows == []  # SUP sent it: the viewer follows it on the sent list
    sent = list(client_for(world.viewer).get(reverse("directives:sent")).context["page_obj"])
    assert set(sent) == {received, sent_to_three}
    b1_rows = list(client_for(world.secretary).get(reverse("directives:inbox")).context["page_obj"])
    assert [(r.directive, r.organization) for r in b1_rows] == [(sent_to_three, world.b1)]
    assert client_for(world.outsider).get(reverse("directives:sent")).context["page_obj"].object_list.count() == 0


def test_the_inbox_offers_acknowledge_only_to_managers(world, sent_to_three, client_for):
    ack = url("acknowledge", row_of(sent_to_three, world.b1))
    assert ack in client_for(world.secretary).get(reverse("directives:inbox")).content.decode()
    assert ack not in client_for(world.committee).get(reverse("directives:inbox")).content.decode()


def test_the_inbox_filters_by_state(world, sent_to_three, client_for):
    services.directive_complete(actor=world.secretary, recipient=row_of(sent_to_three, world.b1), answer="已完成")
    client = client_for(world.secretary)
    assert len(client.get(reverse("directives:inbox")).context["page_obj"]) == 0
    assert len(client.get(reverse("directives:inbox"), {"show": "completed"}).context["page_obj"]) == 1
    assert len(client.get(reverse("directives:inbox"), {"show": "all"}).context["page_obj"]) == 1


def test_the_body_is_plain_text_never_html(world, client_for):
    directive = services.directive_send(actor=world.worker, sender=world.pc, title="通知",
                                        body="<script>alert(1)</script>\n<b>第二行</b>",
                                        due_on=timezone.localdate(), recipients=[world.b1])
    html = client_for(world.secretary).get(url("recipient", row_of(directive, world.b1))).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>&lt;b&gt;第二行&lt;/b&gt;" in html
    assert "<script>alert(1)" not in html


# ---------------------------------------------------------------------------------------------------------------
# Bad input


def send_form(client, world, **data):
    fields = {"title": "关于开展自查的通知", "body": "内容", "due_on": (timezone.localdate()).isoformat(),
              "recipients": [world.b1.pk], "kinds": ["branch"], **data}
    return client.post(reverse("directives:create") + f"?sender={world.pc.pk}", fields)


def test_a_recipient_outside_the_subtree_is_refused_clearly_and_nothing_is_lost(world, client_for):
    from chuxin.orgs.services import organization_create

    other = organization_create(actor=None, parent=world.sup, name="兄弟党委", code="PC2", kind="grassroots_committee")
    response = send_form(client_for(world.worker), world, recipients=[world.b1.pk, other.pk])
    assert response.status_code == 200
    errors = response.context["form"].errors["recipients"]
    assert errors == [f"Organization {other.pk} is not under the sending organization; choose from the list."]
    assert 'value="关于开展自查的通知"' in response.content.decode()
    assert f'value="{world.b1.pk}" id="id_recipients_{world.b1.pk}" checked' in response.content.decode()
    assert not Directive.objects.exists()


def test_a_forged_recipient_id_is_refused(world, client_for):
    response = send_form(client_for(world.worker), world, recipients=["abc"])
    assert "is not an organization" in response.context["form"].errors["recipients"][0]
    response = send_form(client_for(world.worker), world, recipients=[999999])
    assert "999999" in response.context["form"].errors["recipients"][0]


def test_a_past_due_date_and_no_recipients_are_refused(world, client_for):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = send_form(client_for(world.worker), world, due_on=yesterday.isoformat(), recipients=[])
    errors = response.context["form"].errors
    assert "already passed" in errors["due_on"][0]
    assert "Choose the organizations" in errors["recipients"][0]
    assert not Directive.objects.exists()


def test_a_sender_out_of_reach_is_not_found(world, client_for):
    assert client_for(world.secretary).get(reverse("directives:create"), {"sender": world.pc.pk}).status_code == 404
    assert client_for(world.secretary).get(reverse("directives:create"), {"sender": "x"}).status_code == 404


def test_an_empty_answer_shows_the_page_again_with_the_error(world, sent_to_three, client_for):
    row = row_of(sent_to_three, world.b1)
    response = client_for(world.secretary).post(url("complete", row), {"answer": "  "})
    assert response.status_code == 200
    assert response.context["complete_form"].errors["answer"] == [
        "Say how the directive was carried out before reporting completion."]
    row.refresh_from_db()
    assert row.state == State.SENT


def test_a_double_acknowledge_through_the_page_is_harmless(world, sent_to_three, client_for):
    row = row_of(sent_to_three, world.b1)
    client = client_for(world.secretary)
    assert client.post(url("acknowledge", row)).status_code == 302
    assert client.post(url("acknowledge", row)).status_code == 302
    row.refresh_from_db()
    assert row.state == State.ACKNOWLEDGED


def test_an_empty_action_shows_the_error_and_reporting_on_a_closed_directive_is_refused(world, sent_to_three,
                                                                                        client_for):
    row = row_of(sent_to_three, world.b1)
    client = client_for(world.secretary)
    response = client.post(url("action-add", row), {"text": ""})
    assert response.status_code == 200 and "text" in response.context["action_form"].errors
    services.directive_close(actor=world.worker, directive=sent_to_three)
    response = client.post(url("complete", row), {"answer": "已完成"})
    assert "closed by its sender" in str(response.context["complete_form"].non_field_errors())
    row.refresh_from_db()
    assert row.state == State.SENT


def test_the_remind_button_says_when_no_one_is_left(world, sent_to_three, client_for):
    client = client_for(world.worker)
    client.post(url("remind", sent_to_three))
    response = client.post(url("remind", sent_to_three), follow=True)
    assert "already been reminded today" in response.content.decode()


def test_a_title_a_spreadsheet_would_run_as_a_formula_is_refused(world, client_for):
    response = send_form(client_for(world.worker), world, title='=HYPERLINK("http://x/","x")')
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [
        "This cannot start with =, +, -, @ or a tab: spreadsheet programs would run it as a formula."
    ]
    assert not Directive.objects.exists()


def test_the_recipient_page_offers_the_steps_open_from_the_rows_state(world, sent_to_three, client_for):
    row = row_of(sent_to_three, world.b1)
    client = client_for(world.secretary)

    def buttons() -> set[str]:
        page = client.get(url("recipient", row)).content.decode()
        return {name for name in ("acknowledge", "action-form", "task-add", "complete-form")
                if f'data-testid="{name}"' in page}

    assert buttons() == {"acknowledge", "action-form", "task-add", "complete-form"}
    services.directive_action_add(actor=world.secretary, recipient=row, text="部署")
    assert buttons() == {"action-form", "task-add", "complete-form"}  # acknowledged by the action, in progress
    services.directive_complete(actor=world.secretary, recipient=row, answer="已完成")
    assert buttons() == set()
    client.post(url("action-add", row), {"text": "补充"})  # a form left open in another tab
    row.refresh_from_db()
    assert row.state == State.COMPLETED and row.actions.count() == 1
