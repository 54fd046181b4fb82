"""Collect once, as a mechanism: an app registered only in the test settings (chuxin/records/tests/probe) produces
a new record kind and consumes records, and the rest of the house reads it, with no change to any other app."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from chuxin.core import registry
from chuxin.records.models import WorkRecord
from chuxin.records.selectors import records_in
from chuxin.records.services import UnknownKind, record_work
from chuxin.records.tests.probe import consumer
from chuxin.reports import facts as report_facts

TODAY = datetime.date(2026, 5, 20)


@pytest.fixture(autouse=True)
def _fresh():
    consumer.COUNTED.clear()


def test_the_probe_declares_its_kind_in_its_hooks_only():
    assert "probe_lesson_held" in registry.record_kinds()
    assert "records_probe" in {entry.app for entry in registry.entries()}


def test_a_new_kind_is_recorded_once_and_its_consumer_counts_it_once(world):
    record, created = record_work(kind="probe_lesson_held", organization=world.b1, on=TODAY, target=world.b1,
                                  actor=world.secretary, users=[world.member_user], payload={"hours": 2})
    again, created_again = record_work(kind="probe_lesson_held", organization=world.b1, on=TODAY, target=world.b1,
                                       actor=world.secretary, payload={"hours": 2})
    assert (created, created_again, again.pk) == (True, False, record.pk)
    assert [("probe_lesson_held", str(world.b1.pk), 2)] == consumer.COUNTED
    assert list(record.users.all()) == [world.member_user]


def test_it_consumes_another_apps_records_without_that_app_knowing(world):
    record_work(kind="task_done", organization=world.b1, on=TODAY, target=world.b2, actor=world.secretary)
    assert [("task_done", str(world.b2.pk), 0)] == consumer.COUNTED


def test_a_report_counts_the_new_kind_in_its_prefilled_facts(world, english):
    record_work(kind="probe_lesson_held", organization=world.g1, on=TODAY, target=world.g1, payload={"hours": 1})
    gathered = report_facts.gather(world.pc, datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
    assert gathered["records_probe"][0]["count"] == 1
    assert "1 probe lessons held" in report_facts.summary_html(gathered)
    elsewhere = report_facts.gather(world.b2, datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
    assert elsewhere["records_probe"][0]["count"] == 0
    assert "probe lessons" not in report_facts.summary_html(elsewhere)  # a zero writes no sentence


def test_the_subtree_and_date_range_are_one_query(world, django_assert_num_queries):
    record_work(kind="probe_lesson_held", organization=world.g1, on=TODAY, target=world.g1, payload={"hours": 1})
    with django_assert_num_queries(1):
        found = list(records_in(world.pc, kinds=["probe_lesson_held"], start=TODAY, end=TODAY))
    assert [r.organization_id for r in found] == [world.g1.pk]


def test_an_undeclared_kind_or_a_wrong_payload_is_refused_and_nothing_is_written(world):
    with pytest.raises(UnknownKind):
        record_work(kind="meeting_held_typo", organization=world.b1, on=TODAY, target=world.b1)
    with pytest.raises(TypeError), transaction.atomic():
        record_work(kind="probe_lesson_held", organization=world.b1, on=TODAY, target=world.b1,
                    payload={"hours": "two"})
    with pytest.raises(ValueError):
        record_work(kind="probe_lesson_held", organization=world.b1, on=TODAY, target=world.b1, payload={})
    assert not WorkRecord.objects.exists() and consumer.COUNTED == []
