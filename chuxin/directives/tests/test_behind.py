"""No false alarms: a recipient is behind only when it has not acknowledged within the sender's working days
(`directive_ack_working_days`, 3 by default, a rule as data) or has passed the due date; the matrix's counters are
cumulative (a recipient that completed has acknowledged too)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from chuxin.core import rules
from chuxin.directives import selectors, services
from chuxin.directives.models import Directive
from chuxin.orgs.services import rule_set

from .conftest import row_of, sent_days_ago

D = datetime.date


def detail(client, directive, **params):
    return client.get(reverse("directives:detail", kwargs={"pk": directive.pk}), params)


def sent_on(directive, day: datetime.date) -> None:
    """The directive as if sent at 9 o'clock on `day`."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    Directive.objects.filter(pk=directive.pk).update(created_at=moment)
    directive.refresh_from_db()


@pytest.mark.parametrize("start, n, expected", [
    (D(2026, 3, 2), 3, D(2026, 3, 5)),  # Monday + 3 working days: Thursday
    (D(2026, 3, 6), 1, D(2026, 3, 9)),  # Friday + 1: Monday
    (D(2026, 3, 4), 3, D(2026, 3, 9)),  # Wednesday + 3: Thursday, Friday, Monday
    (D(2026, 3, 7), 3, D(2026, 3, 11)),  # sent on a Saturday: Monday, Tuesday, Wednesday
])
def test_working_days_skip_the_weekend(start, n, expected):
    assert selectors.add_working_days(start, n) == expected


def test_the_rule_is_declared_with_its_default_and_may_be_set(world):
    rule = rules.get("directive_ack_working_days")
    assert (rule.default, rule.configurable, rule.minimum) == (3, True, 1)
    assert rules.value("directive_ack_working_days", world.pc) == 3


def test_a_fresh_directive_has_nobody_behind_and_offers_no_reminder(world, three, sent_to_three, client_for):
    page = detail(client_for(world.worker), sent_to_three)
    assert page.context["counts"]["behind"] == 0 and page.context["counts"]["sent"] == 3
    assert not any(row.behind for row in page.context["page_obj"])
    html = page.content.decode()
    assert "table-danger" not in html and "data-behind" not in html
    assert 'data-testid="remind" disabled' in html
    assert services.directive_remind(actor=world.worker, directive=sent_to_three) == 0
    # Nor on the recipient's own page.
    recipient = client_for(world.secretary).get(
        reverse("directives:recipient", kwargs={"pk": row_of(sent_to_three, world.b1).pk}))
    assert recipient.context["recipient_behind"] is False
    assert "data-behind" not in recipient.content.decode()


def test_not_acknowledged_after_the_working_days_is_behind(world, three, sent_to_three):
    sent_on(sent_to_three, D(2026, 3, 6))  # a Friday: acknowledge by Wednesday 11 March
    Directive.objects.filter(pk=sent_to_three.pk).update(due_on=D(2026, 3, 31))
    sent_to_three.refresh_from_db()
    services.directive_acknowledge(actor=world.secretary, recipient=row_of(sent_to_three, world.b1))
    assert selectors.ack_due_on(sent_to_three) == D(2026, 3, 11)
    on_wednesday = selectors.directive_counts(sent_to_three, D(2026, 3, 11))
    on_thursday = selectors.directive_counts(sent_to_three, D(2026, 3, 12))
    assert (on_wednesday["behind"], on_thursday["behind"]) == (0, 2)  # B2 and B3 have not acknowledged
    b3 = row_of(sent_to_three, three.b3)
    ack_due = selectors.ack_due_on(sent_to_three)
    assert (b3.is_behind(ack_due, D(2026, 3, 11)), b3.is_behind(ack_due, D(2026, 3, 12))) == (False, True)


def test_past_the_due_date_every_recipient_not_completed_is_behind(world, three, sent_to_three):
    services.directive_acknowledge(actor=world.secretary, recipient=row_of(sent_to_three, world.b1))
    services.directive_complete(actor=world.outsider, recipient=row_of(sent_to_three, world.b2), answer="已完成")
    late = sent_to_three.due_on + datetime.timedelta(days=1)
    assert selectors.directive_counts(sent_to_three, late)["behind"] == 2  # B1 (acknowledged only) and B3


def test_the_working_days_are_the_senders_nearest_setting(world, three, sent_to_three):
    sent_on(sent_to_three, D(2026, 3, 2))  # a Monday
    Directive.objects.filter(pk=sent_to_three.pk).update(due_on=D(2026, 3, 31))
    sent_to_three.refresh_from_db()
    assert selectors.ack_due_on(sent_to_three) == D(2026, 3, 5)
    # The superior committee asks for a quicker answer in its whole tree: the grassroots committee's directive
    # follows it.
    root = world.stranger.__class__.objects.create_superuser("rules-root")
    rule_set(actor=root, organization=world.sup, code="directive_ack_working_days", value="1", reason="急件")
    assert selectors.ack_due_on(sent_to_three) == D(2026, 3, 3)
    assert selectors.directive_counts(sent_to_three, D(2026, 3, 4))["behind"] == 3
    # The grassroots committee's own value is nearer, and wins.
    rule_set(actor=world.worker, organization=world.pc, code="directive_ack_working_days", value="5", reason="")
    assert selectors.ack_due_on(sent_to_three) == D(2026, 3, 9)
    assert selectors.directive_counts(sent_to_three, D(2026, 3, 4))["behind"] == 0


def test_the_counters_are_cumulative(world, three, sent_to_three, client_for):
    services.directive_complete(actor=world.secretary, recipient=row_of(sent_to_three, world.b1), answer="已完成")
    services.directive_action_add(actor=world.outsider, recipient=row_of(sent_to_three, world.b2), text="部署")
    client = client_for(world.worker)
    counts = detail(client, sent_to_three).context["counts"]
    # B1 completed (so acknowledged and under way too), B2 in progress (so acknowledged), B3 not acknowledged.
    assert {k: counts[k] for k in ("total", "acknowledged", "in_progress", "completed", "sent")} == {
        "total": 3, "acknowledged": 2, "in_progress": 2, "completed": 1, "sent": 1}
    # Each counter's filter lists what it counts.
    for show, codes in (("acknowledged", ["B1", "B2"]), ("in_progress", ["B1", "B2"]), ("completed", ["B1"]),
                        ("sent", ["B3"])):
        page = detail(client, sent_to_three, show=show)
        assert [row.code for row in page.context["page_obj"]] == codes, show
        assert page.context["page_obj"].paginator.count == len(codes)
    html = detail(client, sent_to_three).content.decode()
    assert 'data-count="acknowledged">2<' in html and 'data-count="sent">1<' in html


def test_a_week_on_the_one_that_never_acknowledged_is_behind(world, three, sent_to_three, client_for):
    services.directive_complete(actor=world.secretary, recipient=row_of(sent_to_three, world.b1), answer="已完成")
    sent_days_ago(sent_to_three, 7)
    page = detail(client_for(world.worker), sent_to_three)
    behind = {row.code for row in page.context["page_obj"] if row.behind}
    assert behind == {"B2", "B3"}
    assert page.context["counts"]["behind"] == 2
