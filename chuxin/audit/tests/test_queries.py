"""Query count of the audit log page: the same with 3 entries as with 30."""

from __future__ import annotations

from django.urls import reverse

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record


def seed_entries(world, count: int) -> None:
    # Entries with an actor and an organization: the page must show their names without fetching either.
    for i in range(count):
        audit_record(actor=world.secretary, action=AuditEntry.Action.UPDATE, target=world.member,
                     organization=world.b1 if i % 2 else world.g1, changes={"phone": ["", "13900000000"]})


def test_audit_list_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    client = client_for(world.worker)
    url = reverse("audit:list")
    seed_entries(world, 3)
    # 1 session, 2 user, 3 grants, 4 member file, 5 COUNT for the paginator, 6 the page of entries.
    with django_assert_num_queries(6):
        small = client.get(url)
    seed_entries(world, 27)
    with django_assert_num_queries(6):
        large = client.get(url)
    assert large.context["page_obj"].paginator.count - small.context["page_obj"].paginator.count == 27


def test_audit_list_filtered_query_count_does_not_grow(world, client_for, django_assert_num_queries):
    client = client_for(world.worker)
    params = {"action": "update", "q": "secretary"}
    seed_entries(world, 3)
    with django_assert_num_queries(6):  # as above: the filters narrow the same two queries
        small = client.get(reverse("audit:list"), params)
    seed_entries(world, 27)
    with django_assert_num_queries(6):
        large = client.get(reverse("audit:list"), params)
    assert (small.context["page_obj"].paginator.count, large.context["page_obj"].paginator.count) == (3, 30)
