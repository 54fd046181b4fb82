"""What the plan's forms tell people: a progress update says it was saved, no form asks for an order number,
a date outside the plan's year is warned of (and still saved), the people pickers are searchable."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse

from chuxin.plans import services
from chuxin.plans.models import Task

from .conftest import DUE, START


def shown(response) -> list[str]:
    """The messages the page a redirect led to shows."""
    return [str(m) for m in response.context["messages"]]


def test_a_progress_update_through_htmx_says_it_was_saved(world, task, client):
    client.force_login(world.member_user)
    url = reverse("plans:task-progress", args=[task.pk])
    response = client.post(url, {"progress": 30, "note": "开始", "version": task.version},
                           headers={"HX-Request": "true"})
    part = response.content.decode()
    # The confirmation takes focus and is read out by the page frame's live region (chuxin.js).
    assert ('<div class="alert alert-success py-2 small" tabindex="-1" data-cx-focus data-cx-announce '
            'data-testid="progress-saved">') in part
    assert "Your progress has been recorded." in part
    # A refused update says no such thing.
    response = client.post(url, {"progress": 130, "version": 2}, headers={"HX-Request": "true"})
    assert "progress-saved" not in response.content.decode()
    assert Task.objects.get(pk=task.pk).progress == 30
    # Nor does the task page itself.
    assert "progress-saved" not in client.get(reverse("plans:task", args=[task.pk])).content.decode()


def test_no_plan_form_asks_for_an_order_number_and_a_new_item_comes_last_in_its_area(world, plan, item, client):
    client.force_login(world.secretary)
    form = client.get(reverse("plans:item-create", args=[plan.pk])).content.decode()
    assert 'name="order"' not in form
    area, other = item.area, plan.organization.plan_areas.exclude(pk=item.area_id).first()
    first_in_other = services.plan_item_create(actor=world.secretary, plan=plan, area=other, title="别处的事项")
    client.post(reverse("plans:item-create", args=[plan.pk]), {"area": area.pk, "title": "第二个事项", "order": 0})
    client.post(reverse("plans:item-create", args=[plan.pk]), {"area": area.pk, "title": "第三个事项"})
    titles = list(plan.items.filter(area=area).order_by("order", "id").values_list("title", flat=True))
    assert titles == [item.title, "第二个事项", "第三个事项"]
    # Moved to another area, an item comes last there; edited in place, it keeps its place.
    second = plan.items.get(title="第二个事项")
    client.post(reverse("plans:item-edit", args=[second.pk]), {"area": other.pk, "title": "第二个事项"})
    assert list(plan.items.filter(area=other).order_by("order", "id")) == [first_in_other, second]
    third = plan.items.get(title="第三个事项")
    order = third.order
    client.post(reverse("plans:item-edit", args=[third.pk]), {"area": area.pk, "title": "第三个事项（改）"})
    third.refresh_from_db()
    assert (third.title, third.order) == ("第三个事项（改）", order)


def test_a_new_department_comes_last_without_an_order_number(world, departments, client):
    client.force_login(world.worker)
    url = reverse("orgs:work-unit", args=[world.unit.pk])
    assert 'name="sort_order"' not in client.get(url).content.decode()
    client.post(url, {"name": "党群工作部", "sort_order": 0})
    names = list(world.unit.departments.order_by("sort_order", "name").values_list("name", flat=True))
    assert names == [departments[0].name, departments[1].name, "党群工作部"]


def task_data(world, departments, **over):
    data = {"title": "开展主题党日", "department": departments[0].pk, "start_on": START, "due_on": DUE,
            "lead": world.secretary.member.pk, "responsible": world.committee.member.pk, "cooperating": [world.member.pk]}
    return data | over


def test_a_date_outside_the_plans_year_is_warned_of_and_saved_all_the_same(world, item, departments, client):
    client.force_login(world.secretary)
    url = reverse("plans:task-create", args=[item.pk])
    form = client.get(url).content.decode()
    # The form tells the browser the plan's year, so the date is questioned as it is picked (chuxin.js).
    assert 'data-cx-year="2026" data-cx-year-warning="This date is outside the plan&#x27;s year (2026)."' in form
    response = client.post(url, task_data(world, departments, title="跨年任务", due_on=datetime.date(2027, 1, 15)),
                           follow=True)
    task = Task.objects.get(title="跨年任务")  # saved: a warning, not a refusal
    assert shown(response) == ["The task has been created.",
                              "Check the dates: due date 2027-01-15 outside the plan's year 2026."]
    response = client.post(reverse("plans:task-edit", args=[task.pk]), task_data(
        world, departments, title="跨年任务", start_on=datetime.date(2025, 12, 20), due_on=datetime.date(2027, 1, 15),
        version=task.version), follow=True)
    assert shown(response) == ["The task has been saved.",
                              "Check the dates: start date 2025-12-20, due date 2027-01-15 outside the plan's year "
                              "2026."]
    response = client.post(reverse("plans:task-edit", args=[task.pk]), task_data(
        world, departments, title="跨年任务", version=task.version + 1), follow=True)
    assert shown(response) == ["The task has been saved."]  # inside the year: nothing to check


def test_the_cooperating_people_are_a_searchable_picker_not_a_ctrl_click_list(world, item, client):
    client.force_login(world.secretary)
    form = client.get(reverse("plans:task-create", args=[item.pk])).content.decode()
    assert re.search(r'<select name="cooperating"[^>]* data-cx-picker="Type a name to find a person"[^>]* multiple', form)
    assert "Ctrl" not in form
