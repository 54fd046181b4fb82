"""Work done before the record stream existed is back-filled by the producing apps' data migrations. Their
functions run here on rows written straight to the tables (as old data was, with no record beside it): one record
of each piece of work comes out, the same as the services write, and running the back-fill again adds nothing."""

from __future__ import annotations

import datetime
import importlib

from django.apps import apps
from django.utils import timezone

from chuxin.directives.models import Directive, DirectiveRecipient
from chuxin.orgs.models import Position
from chuxin.plans.models import Plan, PlanArea, PlanItem, Task, TaskAssignment
from chuxin.records.models import WorkRecord
from chuxin.reports.models import Report, ReportPeriod, ReportRequirement
from chuxin.testing import give_member_files

BACKFILLS = ["chuxin.plans.migrations.0003_backfill_work_records",
             "chuxin.directives.migrations.0002_backfill_work_records",
             "chuxin.reports.migrations.0002_backfill_work_records",
             "chuxin.orgs.migrations.0003_backfill_work_records"]


def backfill() -> None:
    for name in BACKFILLS:
        importlib.import_module(name).forwards(apps, None)


def test_existing_work_is_back_filled_once(world):
    now = timezone.now()
    today = timezone.localdate(now)
    plan = Plan.objects.create(organization=world.b1, year=today.year, title="计划", owner=world.secretary,
                               status=Plan.Status.PUBLISHED)
    item = PlanItem.objects.create(plan=plan, area=PlanArea.objects.create(organization=world.b1, name="组织建设"),
                                   title="规范三会一课")
    done = Task.objects.create(plan_item=item, title="召开支委会", start_on=today, due_on=today,
                               status=Task.Status.DONE, confirmed_at=now, confirmed_by=world.secretary)
    give_member_files(world)
    TaskAssignment.objects.create(task=done, member=world.committee.member, role=TaskAssignment.Role.RESPONSIBLE)
    Task.objects.create(plan_item=item, title="未完成", start_on=today, due_on=today)
    directive = Directive.objects.create(sender=world.pc, title="学习通知", due_on=today, created_by=world.worker)
    DirectiveRecipient.objects.create(directive=directive, organization=world.b1, state="completed",
                                      completed_at=now, completed_by=world.secretary, answer="已完成")
    requirement = ReportRequirement.objects.create(organization=world.pc, title="月报", frequency="monthly",
                                                   audience="organizations", org_kinds=["branch"],
                                                   created_by=world.worker)
    period = ReportPeriod.objects.create(requirement=requirement, start=today.replace(day=1), end=today,
                                         due_on=today + datetime.timedelta(days=10))
    Report.objects.create(period=period, organization=world.b1, author=world.secretary, status="accepted",
                          submitted_at=now, reviewed_at=now)
    Position.objects.create(organization=world.b1, kind=Position.Kind.SECRETARY, member=world.member,
                            started_on=today - datetime.timedelta(days=400))
    WorkRecord.objects.all().delete()  # what the fixtures' services recorded: the back-fill starts from none

    backfill()
    kinds = sorted(WorkRecord.objects.values_list("kind", flat=True))
    assert kinds == ["directive_done", "position_taken", "report_accepted", "report_filed", "task_done"]
    task_record = WorkRecord.objects.get(kind="task_done")
    assert (task_record.label, task_record.organization_path, task_record.on, list(task_record.users.all())) == (
        "召开支委会", world.b1.path, today, [world.committee])
    assert WorkRecord.objects.get(kind="directive_done").payload == {"on_time": True}
    seat = WorkRecord.objects.get(kind="position_taken")
    assert (seat.on, seat.payload, list(seat.members.all())) == (
        today.replace(month=1, day=1), {"post": "secretary", "year": today.year}, [world.member])

    backfill()
    assert WorkRecord.objects.count() == 5
