"""A recipient makes a directive its own tasks: in an item of its own annual plan, through the plans app's task
form and service; the row moves on, the recipient page lists the tasks, the matrix counts them, the task page
points back."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from chuxin.audit.models import AuditEntry
from chuxin.directives import services
from chuxin.directives.models import DirectiveRecipient
from chuxin.plans.models import Plan, PlanArea, PlanItem, Task, TaskAssignment
from chuxin.plans.selectors import tasks_of_origin

from .conftest import row_of

State = DirectiveRecipient.State


def make_item(org, owner, *, year: int | None = None, title: str = "落实上级部署") -> PlanItem:
    year = year or timezone.localdate().year
    plan = Plan.objects.filter(organization=org, year=year).first() or Plan.objects.create(
        organization=org, year=year, title=f"{org.name}{year}年党建工作计划", owner=owner)
    area, _ = PlanArea.objects.get_or_create(organization=org, name="组织建设", defaults={"order": 10})
    return PlanItem.objects.create(plan=plan, area=area, title=title)


def origin_of(row) -> dict:
    """The task's link back to the directive (Task.origin_*), as directive_task_add writes it."""
    return {"origin_type": "directives.directiverecipient", "origin_id": row.pk, "origin_label": row.directive.title,
            "origin_url": reverse("directives:recipient", kwargs={"pk": row.pk}),
            "origin_organization": row.organization}


def linked_tasks(row, count: int, *, done: int = 0) -> list[Task]:
    """`count` tasks of the row's organization's plan carrying out the directive, the first `done` of them done."""
    item = PlanItem.objects.filter(plan__organization=row.organization).first()
    today = timezone.localdate()
    return Task.objects.bulk_create([
        Task(plan_item=item, title=f"任务{i}", start_on=today, due_on=today + datetime.timedelta(days=9),
             status=Task.Status.DONE if i < done else Task.Status.OPEN, progress=100 if i < done else 0,
             **origin_of(row))
        for i in range(count)
    ])


@pytest.fixture
def b1_row(world, sent_to_three):
    make_item(world.b1, world.secretary)
    return row_of(sent_to_three, world.b1)


def test_adding_a_task_links_it_and_moves_the_directive_to_in_progress(people_files, world, b1_row):
    item = PlanItem.objects.get(plan__organization=world.b1)
    today = timezone.localdate()
    task = services.directive_task_add(
        actor=world.secretary, recipient=b1_row, plan_item=item, title="组织专题学习", start_on=today,
        due_on=b1_row.directive.due_on, lead=world.secretary, responsible=world.committee,
        cooperating=[world.member_user],
    )
    assert task.plan_item == item
    assert {f: getattr(task, f) for f in origin_of(b1_row)} == origin_of(b1_row)
    assert {(a.member.user, a.role) for a in task.assignments.all()} == {
        (world.secretary, TaskAssignment.Role.LEAD), (world.committee, TaskAssignment.Role.RESPONSIBLE),
        (world.member_user, TaskAssignment.Role.COOPERATING)}
    b1_row.refresh_from_db()
    assert b1_row.state == State.IN_PROGRESS and b1_row.acknowledged_by == world.secretary
    assert AuditEntry.objects.filter(target_type="directives.directiverecipient", target_id=str(b1_row.pk),
                                     changes={"state": [State.SENT, State.IN_PROGRESS]}).count() == 1
    assert AuditEntry.objects.filter(target_type="plans.task", target_id=str(task.pk),
                                     action=AuditEntry.Action.CREATE, organization=world.b1).count() == 1
    # A second task: still in progress, no second state entry.
    services.directive_task_add(actor=world.secretary, recipient=b1_row, plan_item=item, title="检查落实",
                                start_on=today, due_on=b1_row.directive.due_on)
    assert tasks_of_origin(b1_row).count() == 2
    assert AuditEntry.objects.filter(target_type="directives.directiverecipient", target_id=str(b1_row.pk)).count() == 1


def test_a_task_goes_only_into_the_recipients_own_plan(world, sent_to_three):
    b2_item = make_item(world.b2, world.outsider)
    row = row_of(sent_to_three, world.b1)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.directive_task_add(actor=world.secretary, recipient=row, plan_item=b2_item, title="越权",
                                    start_on=today, due_on=today)
    assert "plan_item" in error.value.error_dict
    row.refresh_from_db()
    assert row.state == State.SENT and not Task.objects.exists()


def test_no_task_after_completion_nor_by_someone_without_manage(world, b1_row):
    item = PlanItem.objects.get(plan__organization=world.b1)
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.directive_task_add(actor=world.committee, recipient=b1_row, plan_item=item, title="任务",
                                    start_on=today, due_on=today)
    services.directive_complete(actor=world.secretary, recipient=b1_row, answer="已完成")
    with pytest.raises(ValidationError):
        services.directive_task_add(actor=world.secretary, recipient=b1_row, plan_item=item, title="任务",
                                    start_on=today, due_on=today)
    assert not Task.objects.exists()


def test_the_form_is_prefilled_and_posting_it_creates_the_task(people_files, world, b1_row, client_for):
    client = client_for(world.secretary)
    url = reverse("directives:task-add", kwargs={"pk": b1_row.pk})
    page = client.get(url)
    form = page.context["form"]
    assert form["title"].value() == b1_row.directive.title
    assert form["due_on"].value() == b1_row.directive.due_on
    assert [i.title for i in form.fields["plan_item"].queryset] == ["落实上级部署"]
    item = PlanItem.objects.get(plan__organization=world.b1)
    data = {
        "plan_item": item.pk, "title": "开展主题党日", "start_on": f"{timezone.localdate():%Y-%m-%d}",
        "due_on": f"{b1_row.directive.due_on:%Y-%m-%d}", "lead": world.secretary.member.pk,
        "responsible": world.committee.member.pk, "cooperating": [world.member.pk], "token": "tok-1",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == reverse("directives:recipient", kwargs={"pk": b1_row.pk})
    client.post(url, data)  # the same form twice: one task
    [task] = tasks_of_origin(b1_row)
    assert task.title == "开展主题党日" and task.assignments.count() == 3
    # The recipient page lists it with its state and progress.
    page = client.get(reverse("directives:recipient", kwargs={"pk": b1_row.pk}))
    assert list(page.context["tasks"]) == [task]
    html = page.content.decode()
    assert reverse("plans:task", args=[task.pk]) in html and f'data-state="{task.state}"' in html
    assert 'aria-valuenow="0"' in html
    # The task page points back to the directive.
    page = client.get(reverse("plans:task", args=[task.pk]))
    assert page.context["can_see_origin"]
    assert reverse("directives:recipient", kwargs={"pk": b1_row.pk}) in page.content.decode()


def test_bad_input_shows_errors_and_keeps_what_was_typed(world, b1_row, client_for):
    client = client_for(world.secretary)
    url = reverse("directives:task-add", kwargs={"pk": b1_row.pk})
    item = PlanItem.objects.get(plan__organization=world.b1)
    response = client.post(url, {"plan_item": item.pk, "title": "保留标题", "start_on": "2026-05-10",
                                 "due_on": "2026-05-01", "responsible": world.b2_member.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert "due_on" in form.errors and "responsible" in form.errors
    assert form["title"].value() == "保留标题"
    assert not Task.objects.exists()


def test_without_a_plan_for_the_year_the_page_says_so_and_links_to_writing_one(world, sent_to_three, client_for):
    row = row_of(sent_to_three, world.b1)
    make_item(world.b1, world.secretary, year=timezone.localdate().year - 1)  # last year's plan does not count
    response = client_for(world.secretary).get(reverse("directives:task-add", kwargs={"pk": row.pk}))
    html = response.content.decode()
    assert response.context["plan"] is None and 'data-testid="no-plan"' in html
    assert reverse("plans:create", args=[world.b1.pk]) in html


def test_the_button_shows_only_to_managers_of_the_recipient(world, b1_row, client_for):
    url = reverse("directives:recipient", kwargs={"pk": b1_row.pk})
    assert 'data-testid="task-add"' in client_for(world.secretary).get(url).content.decode()
    assert 'data-testid="task-add"' not in client_for(world.committee).get(url).content.decode()


def test_the_matrix_shows_tasks_done_out_of_total_per_recipient(world, sent_to_three, three, client_for):
    b1, b2 = row_of(sent_to_three, world.b1), row_of(sent_to_three, world.b2)
    make_item(world.b1, world.secretary)
    make_item(world.b2, world.outsider)
    linked_tasks(b1, 3, done=1)
    linked_tasks(b2, 2, done=2)
    response = client_for(world.worker).get(reverse("directives:detail", kwargs={"pk": sent_to_three.pk}))
    counts = {row.code: (row.tasks_done, row.tasks_total) for row in response.context["page_obj"]}
    assert counts == {world.b1.code: (1, 3), world.b2.code: (2, 2), three.b3.code: (0, 0)}
    assert 'data-tasks="1/3"' in response.content.decode()


def test_a_deleted_recipient_row_leaves_the_task(world, b1_row):
    [task] = linked_tasks(b1_row, 1)
    DirectiveRecipient.objects.filter(pk=b1_row.pk).delete()
    task.refresh_from_db()  # still there: the origin is a generic reference, nothing cascades from it
    assert task.origin_label == b1_row.directive.title


def test_an_assignee_without_standing_sees_the_directive_title_but_no_link(world, b1_row, client_for):
    item = PlanItem.objects.get(plan__organization=world.b1)
    today = timezone.localdate()
    task = services.directive_task_add(actor=world.secretary, recipient=b1_row, plan_item=item, title="学习",
                                       start_on=today, due_on=today, cooperating=[world.member_user])
    page = client_for(world.member_user).get(reverse("plans:task", args=[task.pk]))
    assert page.status_code == 200 and not page.context["can_see_origin"]
    html = page.content.decode()
    assert b1_row.directive.title in html
    assert reverse("directives:recipient", kwargs={"pk": b1_row.pk}) not in html
