"""Mistakes can be undone: a task or an item created by mistake is deleted while nothing has been done on it,
with an audit entry; once there is progress (or a work record) it stays. Destructive steps ask first."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chuxin.audit.models import AuditEntry
from chuxin.plans import services
from chuxin.plans.models import Milestone, PlanItem, Task, TaskAssignment
from chuxin.records.models import WorkRecord
from chuxin.records.services import record_work

from .conftest import DUE, START


def deletions(target_type: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, target_type=target_type))


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# ---------------------------------------------------------------------------------------------------------------
# Tasks


def test_a_task_without_progress_is_deleted_and_the_audit_log_keeps_what_it_was(world, item, task, client):
    client.force_login(world.secretary)
    response = client.post(reverse("plans:task-delete", args=[task.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('plans:detail', args=[item.plan_id])}#item-{item.pk}"
    assert said(response) == [f"The task “{task.title}” has been deleted."]
    assert not Task.objects.filter(pk=task.pk).exists()
    assert not TaskAssignment.objects.filter(task_id=task.pk).exists()
    [entry] = deletions("plans.task")
    assert (entry.actor, entry.organization, entry.target_id, entry.target_repr) == (
        world.secretary, world.b1, str(task.pk), task.title)
    people = f"lead: {world.secretary}; responsible: {world.committee}; cooperating: {world.member_user}"
    assert entry.changes == {"people": [people, ""]}


def test_a_task_with_progress_cannot_be_deleted(world, task, client):
    services.progress_update(actor=world.committee, task=task, progress=20, note="已起草", expected_version=1)
    client.force_login(world.secretary)
    page = client.get(reverse("plans:task", args=[task.pk])).content.decode()
    assert reverse("plans:task-delete", args=[task.pk]) not in page  # no button to press
    response = client.post(reverse("plans:task-delete", args=[task.pk]))
    assert response["Location"] == reverse("plans:task", args=[task.pk])
    assert said(response) == ["Progress has been recorded on this task, so it cannot be deleted. Edit it instead."]
    assert Task.objects.filter(pk=task.pk).exists()
    assert deletions("plans.task") == []


def test_a_task_with_a_milestone_done_cannot_be_deleted(world, task):
    milestone = services.milestone_create(actor=world.secretary, task=task, title="初稿", due_on=DUE)
    assert services.task_delete_refusal(task) == ""
    services.milestone_toggle(actor=world.secretary, milestone=Milestone.objects.get(pk=milestone.pk))
    with pytest.raises(ValidationError, match="milestone of this task is done"):
        services.task_delete(actor=world.secretary, task=task)
    assert Task.objects.filter(pk=task.pk).exists()


def test_a_task_that_produced_a_work_record_cannot_be_deleted(world, plan, task):
    services.plan_publish(actor=world.secretary, plan=plan)
    services.progress_update(actor=world.committee, task=task, progress=100, expected_version=1)
    services.task_confirm_complete(actor=world.secretary, task=Task.objects.get(pk=task.pk))
    assert WorkRecord.objects.filter(kind="task_done", target_id=str(task.pk)).exists()
    with pytest.raises(ValidationError, match="Progress has been recorded"):
        services.task_delete(actor=world.secretary, task=task)
    # Even a task whose status and history were wound back by hand stays while its record is on file.
    task.updates.all().delete()
    Task.objects.filter(pk=task.pk).update(status=Task.Status.OPEN, progress=0)
    task.refresh_from_db()
    assert services.task_delete_refusal(task) == "This task is on record as work done, so it cannot be deleted."
    with pytest.raises(ValidationError, match="on record as work done"):
        services.task_delete(actor=world.secretary, task=task)
    assert Task.objects.filter(pk=task.pk).exists()


def test_a_record_about_another_task_does_not_stop_a_deletion(world, item, task, sent):
    other = services.task_create(actor=world.secretary, plan_item=item, title="另一任务", start_on=START,
                                 due_on=DUE)
    record_work(kind="task_done", organization=world.b1, on=START, target=other, actor=world.secretary,
                users=[world.committee], label=other.title)
    services.task_delete(actor=world.secretary, task=task)
    assert not Task.objects.filter(pk=task.pk).exists()


def test_only_a_manager_of_the_plans_organization_may_delete_a_task(world, task, client):
    for user in (world.committee, world.member_user):  # a reader, an assignee
        with pytest.raises(PermissionDenied):
            services.task_delete(actor=user, task=task)
    client.force_login(world.committee)
    assert client.post(reverse("plans:task-delete", args=[task.pk])).status_code == 403
    assert Task.objects.filter(pk=task.pk).exists()
    assert deletions("plans.task") == []


def test_the_people_of_a_published_plans_task_are_told_it_is_gone_but_not_the_one_who_deleted_it(
        world, plan, task, sent):
    services.plan_publish(actor=world.secretary, plan=plan)
    sent.notes.clear()
    services.task_delete(actor=world.secretary, task=task)
    assert sorted((username, kind) for username, kind, _t in sent.notes) == [
        ("committee", "withdrawn"), ("member", "withdrawn")]  # the secretary, its lead, deleted it


def test_the_notification_of_a_deleted_task_reads_in_the_readers_language(world, plan, item):
    from chuxin.notifications.models import Notification

    task = services.task_create(actor=world.secretary, plan_item=item, title="误建的任务", start_on=START,
                                due_on=DUE, responsible=world.committee)
    services.plan_publish(actor=world.secretary, plan=plan)
    services.task_delete(actor=world.secretary, task=task)
    note = Notification.objects.get(recipient=world.committee, kind="withdrawn")
    assert note.text == "Deleted as made by mistake: 误建的任务" and note.url == ""


def test_the_task_page_offers_delete_only_to_managers_and_asks_first(world, task, client):
    client.force_login(world.secretary)
    page = client.get(reverse("plans:task", args=[task.pk])).content.decode()
    action = reverse("plans:task-delete", args=[task.pk])
    assert f'action="{action}" data-cx-confirm="Delete this task?' in page
    client.force_login(world.member_user)  # an assignee, not a manager
    assert action not in client.get(reverse("plans:task", args=[task.pk])).content.decode()


def test_reopening_a_task_asks_first(world, task, client):
    services.progress_update(actor=world.committee, task=task, progress=100, expected_version=1)
    client.force_login(world.secretary)
    page = client.get(reverse("plans:task", args=[task.pk])).content.decode()
    assert (f'action="{reverse("plans:task-reopen", args=[task.pk])}" data-cx-confirm="Reopen this task? Its '
            "people are told, and it must be confirmed complete again.") in page


# ---------------------------------------------------------------------------------------------------------------
# Items


def test_an_item_without_tasks_is_deleted_with_an_audit_entry(world, plan, item, client):
    client.force_login(world.secretary)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert f'action="{reverse("plans:item-delete", args=[item.pk])}" data-cx-confirm=' in page
    response = client.post(reverse("plans:item-delete", args=[item.pk]))
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert said(response) == [f"The item “{item.title}” has been deleted."]
    assert not PlanItem.objects.filter(pk=item.pk).exists()
    [entry] = deletions("plans.planitem")
    assert (entry.actor, entry.organization, entry.target_repr) == (world.secretary, world.b1, item.title)


def test_an_item_with_a_task_cannot_be_deleted(world, plan, item, task, client):
    client.force_login(world.secretary)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("plans:item-delete", args=[item.pk]) not in page
    response = client.post(reverse("plans:item-delete", args=[item.pk]))
    assert response["Location"] == f"{reverse('plans:detail', args=[plan.pk])}#item-{item.pk}"
    assert said(response) == ["This item has tasks, so it cannot be deleted. Delete its tasks first (only tasks "
                              "without progress can be)."]
    assert PlanItem.objects.filter(pk=item.pk).exists() and deletions("plans.planitem") == []
    with pytest.raises(PermissionDenied):
        services.plan_item_delete(actor=world.committee, item=item)


# ---------------------------------------------------------------------------------------------------------------
# Other destructive steps ask first


def test_revoking_a_role_and_removing_a_template_duty_ask_first(world, client):
    from chuxin.accounts.models import Role, RoleGrant
    from chuxin.responsibilities.models import PostKind, ResponsibilityTemplate, TemplateItem

    grant = RoleGrant.objects.get(user=world.secretary, organization=world.b1, role=Role.SECRETARY)
    client.force_login(world.worker)
    page = client.get(reverse("accounts:org-access", args=[world.b1.pk])).content.decode()
    assert (f'action="{reverse("accounts:grant-revoke", args=[grant.pk])}" data-cx-confirm="Revoke the role '
            f"“{grant.get_role_display()}” of {world.secretary}?") in page

    template = ResponsibilityTemplate.objects.create(organization=world.pc, post_kind=PostKind.SECRETARY,
                                                     title="书记责任清单")
    duty = TemplateItem.objects.create(template=template, text="讲党课")
    page = client.get(reverse("responsibilities:templates", args=[world.pc.pk])).content.decode()
    assert (f'action="{reverse("responsibilities:template-item-delete", args=[duty.pk])}" data-cx-confirm="Remove '
            "this duty from the template? Lists already made keep it.") in page
