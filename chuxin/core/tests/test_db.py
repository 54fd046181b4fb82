"""chuxin.core.db.rows_exist: whether each of several querysets has a row, in one query."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from chuxin.core.db import rows_exist
from chuxin.members.models import Member
from chuxin.orgs.models import Organization


def test_it_answers_each_queryset_in_one_query(world):
    sets = [
        Member.objects.filter(name="李四"),  # there
        Member.objects.filter(name="没有这个人"),  # not there
        Organization.objects.filter(code="B2").select_related("parent").order_by("-path")[:5],  # sliced, ordered
        Member.objects.filter(user=world.member_user).distinct(),
    ]
    with CaptureQueriesContext(connection) as queries:
        assert rows_exist(sets) == [True, False, True, True]
    assert len(queries) == 1


def test_a_queryset_empty_by_its_conditions_costs_no_sql(world):
    with CaptureQueriesContext(connection) as queries:
        assert rows_exist([Member.objects.filter(pk__in=[]), Member.objects.none()]) == [False, False]
        assert rows_exist([]) == []
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert rows_exist([Member.objects.none(), Member.objects.filter(name="李四")]) == [False, True]
    assert len(queries) == 1
