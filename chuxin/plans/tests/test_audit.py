"""Every write to a plan's tasks leaves an audit entry on the plan's organization, in the same transaction."""

from __future__ import annotations

import datetime

import pytest

from chuxin.audit.models import AuditEntry
from chuxin.plans import services
from chuxin.plans.models import Milestone, ProgressUpdate, Task


def entries_for(target) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
                .order_by("id"))


def test_creating_a_task_records_its_people_in_one_entry(world, task):
    [entry] = entries_for(task)
    assert entry.action == AuditEntry.Action.CREATE and entry.organization == world.b1
    people = f"lead: {world.secretary}; responsible: {world.committee}; cooperating: {world.member_user}"
    assert entry.changes == {"people": ["", people]}


def test_reassigning_people_is_audited_and_an_unchanged_assignment_is_not(world, task):
    services.task_assign(actor=world.secretary, task=task, lead=world.secretary, responsible=world.member_user,
                         cooperating=[world.committee])
    entry = entries_for(task)[-1]
    assert entry.action == AuditEntry.Action.UPDATE and entry.actor == world.secretary
    assert entry.organization == world.b1 and entry.organization_path == world.b1.path
    before, after = entry.changes["people"]
    assert str(world.committee) in before.split("responsible: ")[1].split(";")[0]
    assert str(world.member_user) in after.split("responsible: ")[1].split(";")[0]
    count = AuditEntry.objects.count()
    services.task_assign(actor=world.secretary, task=task, lead=world.secretary, responsible=world.member_user,
                         cooperating=[world.committee])
    assert AuditEntry.objects.count() == count


def test_a_progress_update_is_audited_on_the_plans_organization(world, task):
    update = services.progress_update(actor=world.committee, task=task, progress=40, note="进行中",
                                      expected_version=task.version)
    [entry] = entries_for(update)
    assert entry.action == AuditEntry.Action.CREATE and entry.actor == world.committee
    assert entry.organization == world.b1
    assert entry.changes == {"progress": ["0", "40"], "status": [Task.Status.OPEN, Task.Status.IN_PROGRESS]}


def test_a_refused_progress_update_leaves_no_entry(world, task):
    count = AuditEntry.objects.count()
    with pytest.raises(services.StaleTask):
        services.progress_update(actor=world.committee, task=task, progress=40, expected_version=task.version + 5)
    assert AuditEntry.objects.count() == count and not ProgressUpdate.objects.exists()


def test_milestones_created_and_toggled_are_audited(world, task):
    milestone = services.milestone_create(actor=world.secretary, task=task, title="完成初稿",
                                          due_on=datetime.date(2026, 4, 1))
    services.milestone_toggle(actor=world.committee, milestone=Milestone.objects.select_related(
        "task__plan_item__plan__organization").get(pk=milestone.pk))
    created, toggled = entries_for(milestone)
    assert created.action == AuditEntry.Action.CREATE and created.organization == world.b1
    assert toggled.action == AuditEntry.Action.UPDATE and toggled.actor == world.committee
    assert toggled.organization == world.b1 and toggled.changes["done_on"][0] == ""
    assert toggled.changes["done_on"][1] != ""
