"""Query counts of the directive pages and reads: the same with 3 recipients as with 30."""

from __future__ import annotations

import datetime
import itertools

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from chuxin.directives import selectors, services
from chuxin.directives.models import Directive, DirectiveAction, DirectiveRecipient
from chuxin.orgs.models import Organization
from chuxin.orgs.services import organization_create

_n = itertools.count()


def add_branches(world, count: int) -> list[Organization]:
    found = []
    for _ in range(count):
        i = next(_n)
        found.append(organization_create(actor=None, parent=world.pc, name=f"支部{i}", code=f"QB{i}",
                                         kind=Organization.Kind.BRANCH))
    return found


def add_recipients(directive: Directive, orgs, *, mixed: bool = True) -> None:
    now = timezone.now()
    rows = []
    for i, org in enumerate(orgs):
        state = [DirectiveRecipient.State.SENT, DirectiveRecipient.State.ACKNOWLEDGED,
                 DirectiveRecipient.State.COMPLETED][i % 3] if mixed else DirectiveRecipient.State.SENT
        rows.append(DirectiveRecipient(
            directive=directive, organization=org, state=state,
            acknowledged_at=now if state != DirectiveRecipient.State.SENT else None,
            completed_at=now if state == DirectiveRecipient.State.COMPLETED else None,
            answer="已完成" if state == DirectiveRecipient.State.COMPLETED else "",
        ))
    DirectiveRecipient.objects.bulk_create(rows)


def add_linked_tasks(directive: Directive, owner) -> None:
    """Two tasks, one done, in each recipient's own plan for the rows that have none yet."""
    from chuxin.plans.models import Task

    from .test_tasks import linked_tasks, make_item

    has_tasks = Exists(Task.objects.filter(origin_type="directives.directiverecipient", origin_id=OuterRef("pk")))
    for row in directive.recipients.filter(~has_tasks).select_related("organization", "directive"):
        make_item(row.organization, owner)
        linked_tasks(row, 2, done=1)


def test_the_matrix_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    directive = Directive.objects.create(sender=world.pc, title="通知", body="内容", due_on=timezone.localdate())
    # Sent a week ago: those that have not acknowledged are behind, so the "behind" filter has rows to read.
    Directive.objects.filter(pk=directive.pk).update(created_at=timezone.now() - datetime.timedelta(days=7))
    client = client_for(world.worker)
    add_recipients(directive, add_branches(world, 3))
    add_linked_tasks(directive, world.worker)
    # 1 session, 2 user, 3 grants, 4 member file (standings), 5 the directive with its sender and author,
    # 6 the sender's own rule values (the working days to acknowledge, read once for the counts and the rows),
    # 7 counts per state and behind (one aggregate), 8 the page of rows with their organizations and their
    # linked tasks done / total (annotated in the same query), 9 the sender's files (the full page only).
    # (The paginator is told the count from the aggregate: no COUNT query of its own.) The rule values are kept
    # (chuxin.core.rules.value) until a setting changes: the views after the first read them from the cache.
    with django_assert_num_queries(9):
        small = client.get(reverse("directives:detail", kwargs={"pk": directive.pk}))
    add_recipients(directive, add_branches(world, 27))
    add_linked_tasks(directive, world.worker)
    with django_assert_num_queries(8):
        large = client.get(reverse("directives:detail", kwargs={"pk": directive.pk}))
    assert (small.context["counts"]["total"], large.context["counts"]["total"]) == (3, 30)
    assert len(large.context["page_obj"]) == 30
    assert {(row.tasks_done, row.tasks_total) for row in large.context["page_obj"]} == {(1, 2)}
    # The htmx refresh of the matrix alone, filtered: the same queries but the files (and the rule values, kept).
    with django_assert_num_queries(7):
        client.get(reverse("directives:detail", kwargs={"pk": directive.pk}), {"show": "behind"},
                   headers={"HX-Request": "true"})


def test_the_inbox_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    sup_root = world.stranger.__class__.objects.create_superuser("qroot")
    client = client_for(world.worker)

    def seed(count):
        for _ in range(count):
            directive = Directive.objects.create(sender=world.sup, title="上级通知", body="内容",
                                                 due_on=timezone.localdate(), created_by=sup_root)
            add_recipients(directive, [world.pc, world.b1], mixed=False)

    seed(2)
    # 1 session, 2 user, 3 grants, 4 member file, 5 count for the paginator, 6 the page of rows with their
    # directives, senders and organizations.
    with django_assert_num_queries(6):
        small = client.get(reverse("directives:inbox"))
    seed(13)
    with django_assert_num_queries(6):
        large = client.get(reverse("directives:inbox"))
    assert (len(small.context["page_obj"]), len(large.context["page_obj"])) == (4, 30)


def test_the_sent_list_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    client = client_for(world.worker)

    def seed(count):
        for _ in range(count):
            directive = Directive.objects.create(sender=world.pc, title="通知", body="内容", due_on=timezone.localdate())
            add_recipients(directive, [world.b1, world.b2, world.g1])

    seed(3)
    # 1 session, 2 user, 3 grants, 4 member file, 5 count for the paginator, 6 the page of directives with their
    # senders and progress counts (one grouped query).
    with django_assert_num_queries(6):
        client.get(reverse("directives:sent"))
    seed(27)
    with django_assert_num_queries(6):
        response = client.get(reverse("directives:sent"))
    assert len(response.context["page_obj"]) == 30


def test_the_recipient_page_query_count_does_not_grow(world, sent_to_three, client_for, django_assert_num_queries):
    from .conftest import row_of

    row = row_of(sent_to_three, world.b1)
    client = client_for(world.secretary)

    from .test_tasks import linked_tasks, make_item

    make_item(world.b1, world.secretary)

    def seed(count):
        DirectiveAction.objects.bulk_create(
            [DirectiveAction(recipient=row, text=f"措施{i}", responsible=world.secretary) for i in range(count)])
        linked_tasks(row, count, done=1)

    seed(3)
    # 1 session, 2 user, 3 grants, 4 member file, 5 the row with its directive, sender, organization and the
    # people who acknowledged and completed it, 6 the sender's own rule values (the working days to acknowledge),
    # 7 the actions with their responsible people, 8 the tasks made of the directive with their plans, 9 the
    # files (the sender's and this organization's, one query), 10 the people who may be made responsible (the
    # action form's choices). The second view reads the rule values kept by the first (chuxin.core.rules.value).
    with django_assert_num_queries(10):
        client.get(reverse("directives:recipient", kwargs={"pk": row.pk}))
    seed(27)
    with django_assert_num_queries(9):
        response = client.get(reverse("directives:recipient", kwargs={"pk": row.pk}))
    assert len(response.context["actions"]) == 30 and len(response.context["tasks"]) == 30


def test_workbench_items_query_count_does_not_grow(world, django_assert_num_queries):
    def seed(count):
        for _ in range(count):
            directive = Directive.objects.create(sender=world.sup, title="上级通知", body="内容",
                                                 due_on=timezone.localdate() + datetime.timedelta(days=3))
            add_recipients(directive, [world.b1], mixed=False)

    seed(3)
    user = world.secretary
    # 1 grants, 2 member file (the standings, loaded once per request), 3 the open rows with their directives
    # and organizations.
    with django_assert_num_queries(3):
        assert len(selectors.workbench_items(user)) == 3
    seed(27)
    user.refresh_from_db()
    if hasattr(user, "_chuxin_standings"):
        del user._chuxin_standings
    with django_assert_num_queries(3):
        assert len(selectors.workbench_items(user)) == 30


def test_sending_to_many_takes_one_insert_for_the_rows(world, django_assert_max_num_queries):
    branches = add_branches(world, 30)
    # The checks, the directive, one bulk insert of 30 rows, the audit entry, the `directive_issued` work record
    # (looked up, written in a savepoint, its consumer: the recipients' group robots): well under one query per row.
    with django_assert_max_num_queries(16):
        directive = services.directive_send(actor=world.worker, sender=world.pc, title="通知", body="内容",
                                            due_on=timezone.localdate(), recipients=branches)
    assert directive.recipients.count() == 30
