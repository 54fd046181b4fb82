"""Task people are members, with or without a login: a member without one is told through the secretary of
their organization (nearest up the tree), who sees the task on their workbench to pass on until the member has an
account, and records their progress for them; the picker searches the members of the plan's subtree."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from chuxin.accounts.services import account_create_for_member
from chuxin.core.access import standings
from chuxin.members.services import member_update
from chuxin.notifications.models import Notification
from chuxin.plans import selectors, services
from chuxin.plans.models import Plan, Task, TaskAssignment
from chuxin.testing import make_member

from .conftest import DUE, START


@pytest.fixture
def no_login(world):
    """赵敏, a member of the branch's Party group G1, without a login account."""
    return make_member(world.g1, "赵敏", male=False, phone="13700000009")


@pytest.fixture
def published(world, plan):
    services.plan_publish(actor=world.secretary, plan=plan)
    return plan


def _task(world, item, **people):
    # Made by the committee's worker, so the branch's secretary is not the actor (nobody is told of their own act).
    return services.task_create(actor=world.worker, plan_item=item, title="整理支部党员档案", start_on=START,
                                due_on=DUE, **people)


def test_a_member_without_a_login_can_be_given_a_task(world, item, no_login, client):
    task = _task(world, item, lead=world.secretary, responsible=no_login)
    assert TaskAssignment.objects.get(task=task, role="responsible").member == no_login
    client.force_login(world.secretary)
    page = client.get(reverse("plans:task", args=[task.pk])).content.decode()
    assert "赵敏" in page and "no login: told through the secretary" in page
    assert "records progress on their behalf" in page


def test_their_secretary_is_told_to_pass_the_task_on(world, item, published, no_login):
    task = _task(world, item, responsible=no_login, cooperating=[world.member])
    [told] = Notification.objects.filter(recipient=world.secretary, target_id=str(task.pk))
    assert told.message == "Tell %(person)s (no login) of a new task: %(task)s"
    assert told.params == {"person": "赵敏", "task": "整理支部党员档案"}
    # The member with a login is told themself, nobody else on their behalf.
    assert Notification.objects.filter(recipient=world.member_user, target_id=str(task.pk)).count() == 1
    assert not Notification.objects.filter(recipient=world.committee, target_id=str(task.pk)).exists()


def test_a_draft_tells_nobody_and_publishing_tells_the_secretary(world, item, plan, no_login):
    task = _task(world, item, responsible=no_login)
    assert not Notification.objects.filter(target_id=str(task.pk)).exists()
    services.plan_publish(actor=world.worker, plan=plan)
    assert Notification.objects.filter(recipient=world.secretary, target_id=str(task.pk)).count() == 1


def test_the_secretary_passes_it_on_until_the_member_has_an_account(world, item, published, no_login):
    task = _task(world, item, responsible=no_login)
    standings(world.secretary)
    [passing] = [w for w in selectors.workbench_items(world.secretary) if w.state == "to pass on"]
    assert passing.title == "Tell 赵敏 (no login): 整理支部党员档案"
    assert passing.url == reverse("plans:task", args=[task.pk])
    # Only the nearest who answer for the member: the committee's worker above the branch passes nothing on.
    assert not [w for w in selectors.workbench_items(world.worker) if w.state == "to pass on"]
    assert not [w for w in selectors.workbench_items(world.outsider) if w.state == "to pass on"]

    account, _password = account_create_for_member(actor=world.worker, member=no_login)
    assert [w.title for w in selectors.workbench_items(account)] == ["整理支部党员档案"]
    assert not [w for w in selectors.workbench_items(world.secretary) if w.state == "to pass on"]


def test_the_workbench_query_count_of_passing_on_does_not_grow(world, item, published, django_assert_num_queries):
    people = [make_member(world.g1, f"成员{i}") for i in range(6)]
    for n, person in enumerate(people):
        services.task_create(actor=world.worker, plan_item=item, title=f"任务{n}", start_on=START, due_on=DUE,
                             responsible=person)
    standings(world.secretary)
    # 1 my open tasks, 2 tasks to confirm, 3 assignments of people without a login in my scope, 4 the
    # organizations above them, 5-6 who answers for those (grants, seats).
    with django_assert_num_queries(6):
        assert len([w for w in selectors.workbench_items(world.secretary) if w.state == "to pass on"]) == 6


def test_the_secretary_or_the_owner_records_progress_for_them(world, item, published, no_login, client):
    task = _task(world, item, responsible=no_login)
    update = services.progress_update(actor=world.secretary, task=task, progress=30, note="代赵敏填报",
                                      expected_version=task.version)
    assert update.author == world.secretary
    task.refresh_from_db()
    assert task.progress == 30
    # Someone who neither is on the task nor manages the plan may not.
    with pytest.raises(PermissionDenied):
        services.progress_update(actor=world.member_user, task=task, progress=40, expected_version=task.version)
    client.force_login(world.secretary)
    page = client.get(reverse("plans:task", args=[task.pk])).content.decode()
    assert f'action="{reverse("plans:task-progress", args=[task.pk])}"' in page


def test_without_people_lacking_a_login_a_manager_does_not_report_for_others(world, task):
    with pytest.raises(PermissionDenied):
        services.progress_update(actor=world.worker, task=task, progress=50, expected_version=task.version)


def test_an_account_without_a_member_file_cannot_hold_a_task(world, item):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        _task(world, item, responsible=world.outsider)
    assert "outsider has no member file" in error.value.message_dict["responsible"][0]
    assert not Task.objects.exists()


def test_one_lead_one_responsible_one_role_per_person_with_members(world, item, no_login):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        _task(world, item, lead=no_login, cooperating=[no_login])
    assert "cooperating" in error.value.message_dict


def test_the_people_shown_are_member_names_everywhere(world, item, no_login):
    task = _task(world, item, lead=world.secretary, responsible=no_login)
    assert str(world.secretary) == "周建国"  # the account shows its member file's name
    member_update(actor=world.worker, member=world.secretary.member, name="周建华")
    world.secretary.refresh_from_db()
    assert str(world.secretary) == "周建华"
    assert selectors.task_with_people(task).lead.name == "周建华"


# The picker's search


def test_the_picker_finds_members_by_name_or_initials_in_the_plans_subtree(world, plan, no_login, client):
    client.force_login(world.secretary)
    url = reverse("plans:people", args=[world.b1.pk])
    found = client.get(url, {"q": "zm"}).json()
    assert found == {"results": [{"id": no_login.pk, "label": "赵敏 · 第一党小组 · no login"}], "more": False}
    assert [r["id"] for r in client.get(url, {"q": "赵"}).json()["results"]] == [no_login.pk]
    # A member of the sibling branch is not found, however typed.
    assert client.get(url, {"q": "王五"}).json()["results"] == []


def test_the_picker_answers_a_page_at_a_time(world, plan, client, django_assert_num_queries):
    for i in range(25):
        make_member(world.b1, f"张{'一二三四五六七八九十'[i % 10]}{i}")
    client.force_login(world.secretary)
    url = reverse("plans:people", args=[world.b1.pk])
    client.get(url, {"q": "z"})
    # 1-2 the session and its user, 3 the organization, 4-5 the standings (grants, member file), 6 one page of
    # members (with their organizations and accounts), whatever their number
    with django_assert_num_queries(6):
        answer = client.get(url, {"q": "z"}).json()
    assert len(answer["results"]) == selectors.PEOPLE_SEARCH_MAX and answer["more"] is True


def test_the_task_form_sends_only_the_chosen_people(world, item, client):
    for i in range(30):
        make_member(world.b1, f"党员{i}")
    client.force_login(world.secretary)
    form = client.get(reverse("plans:task-create", args=[item.pk])).content.decode()
    assert "党员1" not in form  # the picker asks the server as a name is typed
    assert f'data-cx-picker-url="{reverse("plans:people", args=[world.b1.pk])}"' in form


def test_the_table_and_its_export_name_the_people(world, item, published, no_login, client):
    _task(world, item, lead=world.secretary, responsible=no_login)
    client.force_login(world.secretary)
    page = client.get(reverse("plans:detail", args=[published.pk])).content.decode()
    assert "周建国" in page and "赵敏" in page
    assert Plan.objects.get(pk=published.pk).is_published


def test_a_task_done_by_a_member_without_a_login_counts_on_their_responsibility_list(world, item, published,
                                                                                     no_login):
    from django.utils import timezone

    from chuxin.responsibilities.models import ListItem, PostKind
    from chuxin.responsibilities.services import _list_get_or_create, template_for

    year = timezone.localdate().year
    held = _list_get_or_create(template=template_for(world.b1, PostKind.LEADER), organization=world.b1, year=year,
                               holder_key=f"m:{no_login.pk}", holder_member=no_login, holder_name=no_login.name)
    duty = ListItem.objects.create(list=held, text="牵头完成一项计划任务", evidence_kind="task_done", required_count=1)
    task = _task(world, item, responsible=no_login)
    services.progress_update(actor=world.secretary, task=task, progress=100, note="代为填报",
                             expected_version=task.version)
    services.task_confirm_complete(actor=world.secretary, task=Task.objects.get(pk=task.pk))
    duty.refresh_from_db()
    assert duty.done_count == 1 and duty.done_at is not None  # the record carries her member file
