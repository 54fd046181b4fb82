"""Bad input gets a clear error naming the field and loses nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from chuxin.orgs.models import Department, WorkUnit
from chuxin.plans import services
from chuxin.plans.models import ProgressUpdate, Task

from .conftest import DUE, START


def task_post(world, departments, **over):
    data = {"title": "开展主题党日", "department": departments[0].pk, "start_on": START, "due_on": DUE,
            "lead": world.secretary.member.pk, "responsible": world.committee.member.pk, "cooperating": [world.member.pk],
            "token": "tok-1"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_due_before_start_is_refused_by_the_service(world, item, sent):
    with pytest.raises(ValidationError) as error:
        services.task_create(actor=world.secretary, plan_item=item, title="x", start_on=DUE, due_on=START)
    assert error.value.message_dict["due_on"] == ["The due date is before the start date."]


def test_due_before_start_is_shown_on_the_form_with_the_input_kept(world, item, departments, client):
    client.force_login(world.secretary)
    response = client.post(reverse("plans:task-create", args=[item.pk]),
                           task_post(world, departments, start_on=DUE, due_on=START))
    assert response.status_code == 200
    assert response.context["form"].errors["due_on"] == ["The due date is before the start date."]
    assert "开展主题党日" in response.content.decode()
    assert not Task.objects.exists()


def test_the_database_refuses_due_before_start_too(item):
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(plan_item=item, title="x", start_on=DUE, due_on=START)


def test_a_department_of_a_sibling_branch_unit_is_refused(world, item, sent):
    other_unit = WorkUnit.objects.create(name="第二支部所在单位", organization=world.b2)
    foreign = Department.objects.create(work_unit=other_unit, name="车间")
    with pytest.raises(ValidationError) as error:
        services.task_create(actor=world.secretary, plan_item=item, title="x", start_on=START, due_on=DUE,
                             department=foreign)
    assert list(error.value.message_dict) == ["department"]
    assert "车间" in error.value.message_dict["department"][0]


def test_the_form_offers_only_departments_and_people_in_scope(world, item, departments, client):
    other_unit = WorkUnit.objects.create(name="第二支部所在单位", organization=world.b2)
    foreign = Department.objects.create(work_unit=other_unit, name="车间")
    client.force_login(world.secretary)
    response = client.post(reverse("plans:task-create", args=[item.pk]),
                           task_post(world, departments, department=foreign.pk, lead=world.b2_member.pk))
    errors = response.context["form"].errors
    assert set(errors) == {"department", "lead"}
    assert not Task.objects.exists()


@pytest.mark.parametrize("field", ["lead", "responsible", "cooperating"])
def test_an_assignee_outside_the_plan_organization_is_refused_naming_the_field(world, item, sent, field):
    people = {"lead": None, "responsible": None, "cooperating": []}
    people[field] = [world.b2_member] if field == "cooperating" else world.b2_member  # a member of the sibling
    with pytest.raises(ValidationError) as error:
        services.task_create(actor=world.secretary, plan_item=item, title="x", start_on=START, due_on=DUE, **people)
    assert list(error.value.message_dict) == [field]
    assert world.b2_member.name in error.value.message_dict[field][0]
    assert not Task.objects.exists()  # nothing half-written


def test_one_person_cannot_hold_two_roles(world, item, sent):
    with pytest.raises(ValidationError) as error:
        services.task_create(actor=world.secretary, plan_item=item, title="x", start_on=START, due_on=DUE,
                             lead=world.secretary, responsible=world.secretary)
    assert "responsible" in error.value.message_dict


def test_a_non_assignee_cannot_update_progress(world, task, sent, client):
    with pytest.raises(PermissionDenied):
        services.progress_update(actor=world.worker, task=task, progress=50, expected_version=task.version)
    client.force_login(world.worker)  # a worker manages the plan but is not on the task
    response = client.post(reverse("plans:task-progress", args=[task.pk]), {"progress": 50, "version": 1})
    assert response.status_code == 403
    client.force_login(world.outsider)  # no standing on B1 at all
    response = client.post(reverse("plans:task-progress", args=[task.pk]), {"progress": 50, "version": 1})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.progress == 0 and not ProgressUpdate.objects.exists()


def test_progress_on_a_confirmed_task_is_refused_until_the_owner_reopens_it(world, task, sent, client):
    client.force_login(world.secretary)  # the plan's owner
    page = client.get(reverse("plans:task", args=[task.pk])).content.decode()
    assert reverse("plans:task-reopen", args=[task.pk]) not in page  # nothing to reopen yet
    services.task_confirm_complete(actor=world.secretary, task=task)
    task.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.progress_update(actor=world.committee, task=task, progress=50, expected_version=task.version)
    assert error.value.messages == ["The task is already confirmed complete; ask the owner to reopen it."]
    task.refresh_from_db()
    assert (task.status, task.progress) == (Task.Status.DONE, 100) and not ProgressUpdate.objects.exists()
    page = client.get(reverse("plans:task", args=[task.pk])).content.decode()
    assert reverse("plans:task-reopen", args=[task.pk]) in page
    services.task_reopen(actor=world.secretary, task=task)
    task.refresh_from_db()
    services.progress_update(actor=world.committee, task=task, progress=95, expected_version=task.version)
    task.refresh_from_db()
    assert (task.status, task.progress) == (Task.Status.IN_PROGRESS, 95)


def test_a_stale_progress_update_is_refused_and_the_note_kept(world, task, sent, client):
    services.progress_update(actor=world.committee, task=task, progress=30, note="先到", expected_version=1)
    client.force_login(world.member_user)  # opened the page at version 1, submits after the committee's update
    response = client.post(reverse("plans:task-progress", args=[task.pk]),
                           {"progress": 60, "note": "我的长篇进展说明", "version": 1})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The task changed since you opened it; here is the latest." in page
    assert "我的长篇进展说明" in page  # the user's note is kept in the form
    assert "先到" in page  # and the latest history is shown
    task.refresh_from_db()
    assert (task.progress, task.version) == (30, 2)
    assert response.context["progress_form"]["version"].value() == "2"  # a second submit goes through
    response = client.post(reverse("plans:task-progress", args=[task.pk]),
                           {"progress": 60, "note": "我的长篇进展说明", "version": 2})
    assert response.status_code == 302
    assert list(task.updates.values_list("progress", flat=True)) == [60, 30]  # both kept, none lost


def test_the_service_refuses_a_stale_version(world, task, sent):
    services.progress_update(actor=world.committee, task=task, progress=30, expected_version=1)
    with pytest.raises(services.StaleTask) as error:
        services.progress_update(actor=world.member_user, task=task, progress=80, expected_version=1)
    assert error.value.latest.progress == 30
    assert task.updates.count() == 1


def test_a_stale_task_edit_keeps_the_input(world, task, sent, client, departments):
    services.progress_update(actor=world.committee, task=task, progress=30, expected_version=1)
    client.force_login(world.secretary)
    response = client.post(reverse("plans:task-edit", args=[task.pk]),
                           task_post(world, departments, title="新的标题", version=1))
    assert response.status_code == 200
    assert "The task changed since you opened it" in response.content.decode()
    assert "新的标题" in response.content.decode()
    task.refresh_from_db()
    assert task.title == "制定年度学习计划"


def test_a_double_submitted_task_form_creates_one_task(world, item, departments, sent, client):
    client.force_login(world.secretary)
    url = reverse("plans:task-create", args=[item.pk])
    first = client.post(url, task_post(world, departments))
    second = client.post(url, task_post(world, departments))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Task.objects.count() == 1
    assert Task.objects.get().assignments.count() == 3


def test_the_task_form_carries_a_fresh_token(world, item, client):
    client.force_login(world.secretary)
    one = client.get(reverse("plans:task-create", args=[item.pk])).context["form"]["token"].value()
    two = client.get(reverse("plans:task-create", args=[item.pk])).context["form"]["token"].value()
    assert one and two and one != two


def test_a_second_plan_for_the_same_year_is_refused(world, plan):
    with pytest.raises(ValidationError) as error:
        services.plan_create(actor=world.secretary, organization=world.b1, year=2026, title="x",
                             owner=world.secretary)
    assert "year" in error.value.message_dict


def test_an_owner_outside_the_organization_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.plan_create(actor=world.secretary, organization=world.b1, year=2027, title="x",
                             owner=world.outsider)
    assert "owner" in error.value.message_dict


def test_progress_out_of_range_and_bad_attachments_are_refused(world, task, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.committee)
    url = reverse("plans:task-progress", args=[task.pk])
    response = client.post(url, {"progress": 120, "note": "超了", "version": 1})
    assert "progress" in response.context["progress_form"].errors
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(url, {"progress": 50, "note": "附件", "version": 1, "attachment": bad})
    assert "attachment" in response.context["progress_form"].errors
    assert "附件" in response.content.decode()
    task.refresh_from_db()
    assert task.progress == 0


def test_a_milestone_outside_the_task_dates_is_refused(world, task, client):
    client.force_login(world.secretary)
    response = client.post(reverse("plans:milestone-create", args=[task.pk]),
                           {"title": "中期检查", "due_on": datetime.date(2027, 1, 1)})
    assert response.status_code == 200
    assert "due_on" in response.context["milestone_form"].errors
    assert not task.milestones.exists()


def test_the_committees_worker_may_own_a_branch_plan_but_a_sibling_secretary_may_not(world):
    plan = services.plan_create(actor=world.worker, organization=world.b1, year=2030, title="x", owner=world.worker)
    assert plan.owner == world.worker
    with pytest.raises(ValidationError):
        services.plan_update(actor=world.worker, plan=plan, owner=world.outsider)


def test_an_edit_without_people_keeps_them(world, task, sent):
    services.task_update(actor=world.secretary, task=task, expected_version=task.version, title="改过的标题")
    task.refresh_from_db()
    assert task.title == "改过的标题" and task.version == 2
    assert task.assignments.count() == 3


def test_an_edit_moves_roles_without_breaking_the_one_lead_rule(world, task, sent):
    services.task_update(actor=world.secretary, task=task, expected_version=1, lead=world.committee,
                         responsible=world.secretary, cooperating=[])
    roles = dict(task.assignments.values_list("member__user__username", "role"))
    assert roles == {"committee": "lead", "secretary": "responsible"}


FORMULA = "This cannot start with =, +, -, @ or a tab: spreadsheet programs would run it as a formula."


@pytest.mark.parametrize("title", ['=HYPERLINK("http://x/","x")', "+1", "-1", "@SUM(A1)", "\tx"])
def test_titles_a_spreadsheet_would_run_as_formulas_are_refused(world, plan, item, task, sent, title):
    with pytest.raises(ValidationError) as error:
        services.plan_item_create(actor=world.secretary, plan=plan, area=item.area, title=title)
    assert error.value.message_dict["title"] == [FORMULA]
    with pytest.raises(ValidationError) as error:
        services.task_create(actor=world.secretary, plan_item=item, title=title, start_on=START, due_on=DUE)
    assert error.value.message_dict["title"] == [FORMULA]
    with pytest.raises(ValidationError) as error:
        services.milestone_create(actor=world.secretary, task=task, title=title, due_on=DUE)
    assert error.value.message_dict["title"] == [FORMULA]


def test_the_task_form_shows_the_formula_refusal_on_the_title(world, item, departments, client):
    client.force_login(world.secretary)
    response = client.post(reverse("plans:task-create", args=[item.pk]),
                           task_post(world, departments, title="=1+1"))
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [FORMULA]
    assert not Task.objects.exists()


def test_a_title_that_starts_with_a_dash_elsewhere_in_the_text_is_fine(world, plan, item, sent):
    created = services.plan_item_create(actor=world.secretary, plan=plan, area=item.area, title="学习 - 讨论")
    assert created.title == "学习 - 讨论"
