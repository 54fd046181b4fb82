"""Evidence ticks only the duties whose kind and frequency it matches: a monthly report never ticks the
secretary's yearly 述职, a yearly one does; the next draft does not repeat a duty a report of another frequency
would have ticked. Records written before carry their frequency after the data migrations, and what a report of
another frequency had ticked is taken back."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from chuxin.orgs.models import Position
from chuxin.records.models import WorkRecord
from chuxin.reports.models import ReportRequirement
from chuxin.reports.periods import periods_open
from chuxin.reports.services import report_start, report_submit
from chuxin.responsibilities.models import EvidenceKind, EvidenceLink, ListItem, PostKind, TemplateItem
from chuxin.responsibilities.services import template_item_save

YEAR = timezone.localdate().year


def secretary_reports(world, frequency: str, title: str):
    """PC asks its branch secretaries for a report of `frequency`; B1's secretary writes and submits the first."""
    requirement = ReportRequirement.objects.create(
        organization=world.pc, title=title, audience="posts", frequency=frequency, org_kinds=[],
        position_kinds=[Position.Kind.SECRETARY], due_day=10, sections=[{"title": "工作情况", "guidance": ""}],
        starts_on=datetime.date(YEAR - 1, 1, 1))
    periods_open(datetime.date(YEAR - 1, 1, 1), [requirement])
    period = requirement.periods.order_by("start").first()  # last year's first period, reported today
    report = report_start(actor=world.secretary, period=period, organization=world.b1)
    return report_submit(actor=world.secretary, report=report, sections=["已完成"], version=report.version)


def duty(world, post_kind: str, words: str) -> ListItem:
    return ListItem.objects.get(list__organization=world.b1, list__post_kind=post_kind, list__year=YEAR,
                                text__contains=words)


def test_a_monthly_report_does_not_tick_the_yearly_duty_and_a_yearly_one_does(world, seats):
    annual = duty(world, PostKind.SECRETARY, "述职")
    quarterly = duty(world, PostKind.SECRETARY, "按时报送党建工作书面报告")
    assert (annual.frequency, quarterly.frequency) == ("yearly", "quarterly")

    monthly_report = secretary_reports(world, "monthly", "书记月度报告")
    record = WorkRecord.objects.get(kind="report_filed", target_id=str(monthly_report.pk))
    assert record.payload["frequency"] == "monthly"
    annual.refresh_from_db()
    quarterly.refresh_from_db()
    assert (annual.done_count, annual.is_done, quarterly.done_count) == (0, False, 0)
    assert not EvidenceLink.objects.filter(item__list__organization=world.b1).exists()
    # The next draft (this month's, whose facts list the duties completed this month) does not repeat it.
    requirement = monthly_report.period.requirement
    today = timezone.localdate()
    periods_open(today, [requirement])
    this_month = requirement.periods.get(start=today.replace(day=1))
    draft = report_start(actor=world.secretary, period=this_month, organization=world.b1)
    assert "述职" not in str(draft.facts)

    yearly_report = secretary_reports(world, "yearly", "书记年度述职")
    annual.refresh_from_db()
    quarterly.refresh_from_db()
    assert annual.is_done and annual.done_source_id == str(yearly_report.pk)
    assert quarterly.done_count == 0


def test_a_duty_for_any_report_counts_every_frequency(world, seats):
    any_report = duty(world, PostKind.SECRETARY, "按时报送党建工作书面报告")
    ListItem.objects.filter(pk=any_report.pk).update(frequency="")
    secretary_reports(world, "monthly", "书记月度报告")
    any_report.refresh_from_db()
    assert any_report.done_count == 1


def test_only_duties_met_by_reports_take_a_frequency(world, seats):
    template = duty(world, PostKind.SECRETARY, "述职").template_item.template
    item = TemplateItem(template=template, text="完成分解任务", evidence_kind=EvidenceKind.TASK_DONE,
                        required_count=1, frequency="yearly")
    with pytest.raises(ValidationError, match="Only duties completed by reports have a report frequency."):
        template_item_save(actor=world.worker, item=item)
    assert not TemplateItem.objects.filter(text="完成分解任务").exists()


def test_the_migrations_add_the_frequency_and_take_back_a_wrong_tick(world, seats):
    annual = duty(world, PostKind.SECRETARY, "述职")
    # As before the change: the duty had no frequency and a monthly report's record (without one) ticked it.
    ListItem.objects.filter(pk=annual.pk).update(frequency="")
    TemplateItem.objects.filter(pk=annual.template_item_id).update(frequency="")
    report = secretary_reports(world, "monthly", "书记月度报告")
    record = WorkRecord.objects.get(kind="report_filed", target_id=str(report.pk))
    WorkRecord.objects.filter(pk=record.pk).update(payload={"period": "一月", "late": False})
    annual.refresh_from_db()
    assert annual.is_done  # the false tick

    importlib.import_module("chuxin.reports.migrations.0004_record_frequency").forwards(apps, None)
    record.refresh_from_db()
    assert record.payload == {"period": "一月", "late": False, "frequency": "monthly"}
    importlib.import_module("chuxin.responsibilities.migrations.0003_duty_frequency").forwards(apps, None)
    annual.refresh_from_db()
    assert (annual.frequency, annual.done_count, annual.is_done, annual.done_source_id) == ("yearly", 0, False, "")
    assert TemplateItem.objects.get(pk=annual.template_item_id).frequency == "yearly"
    assert not EvidenceLink.objects.filter(item=annual).exists()
    # A duty for any frequency with another count (3 a year) stays "any".
    assert not TemplateItem.objects.filter(evidence_kind="task_done").exclude(frequency="").exists()


def test_the_frequencies_are_the_reports_own_codes():
    from chuxin.responsibilities.models import Frequency

    assert set(Frequency.values) - {""} == set(ReportRequirement.Frequency.values)
