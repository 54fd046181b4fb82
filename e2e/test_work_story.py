"""The story of responsibility and work, walked in Chromium by the people who live it.

A branch secretary plans the year and decomposes an item to departments and people; an assignee reports
progress on a phone; a task runs late and the daily job says so; the grassroots committee sends a directive to its
branches and reminds the one behind; a monthly report is started from the month's recorded facts, returned,
resubmitted and accepted, and the reviewer sees who has not reported.

As in test_journeys.py, assertions lean on structure (names, test ids, data attributes, URLs) and on data the test
created; where a message matters it is compared with its own Chinese translation, the language the page speaks.
Steps that a calendar would take (a due date passing, a month ending) are set up through the services, never by
waiting: the browser does what people do, the test does what time does.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.accounts.models import Role, User
from chuxin.directives.models import Directive, DirectiveRecipient
from chuxin.members.models import Member
from chuxin.members.pinyin import name_keys
from chuxin.notifications.models import Notification
from chuxin.notifications.reminders import send_due_reminders
from chuxin.orgs.models import Department, Organization
from chuxin.orgs.services import organization_create
from chuxin.plans import services as plan_services
from chuxin.plans.models import Plan, PlanItem, Task, TaskAssignment
from chuxin.plans.selectors import area_list
from chuxin.records.models import WorkRecord
from chuxin.reports import services as report_services
from chuxin.reports.models import Report, ReportPeriod, ReportRequirement
from chuxin.reports.periods import periods_open
from chuxin.testing import give_member_files, make_user
from e2e.conftest import pick_person

pytestmark = pytest.mark.e2e


def zh(message: str, **values) -> str:
    """A message as the page shows it by default: in Chinese."""
    with translation.override("zh-hans"):
        text = _(message)
    return text % values if values else text


def name_people(world, **names: str) -> None:
    """Give the world's people the names they are known by: their member files (task people are members; the
    secretary and committee member get theirs in B1) and so the accounts that belong to them; an account without
    a file (the worker) keeps the display name given here."""
    give_member_files(world)
    for username, name in names.items():
        pinyin, initials = name_keys(name)
        Member.objects.filter(user__username=username).update(name=name, name_pinyin=pinyin, name_initials=initials)
        User.objects.filter(username=username).update(display_name=name)
    for user in (world.secretary, world.committee, world.member_user, world.worker):
        user.refresh_from_db()


def switch_to(page, login, username: str) -> None:
    """The same browser handed to another person: a fresh session and their own login."""
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    login(page, username)


def open_nav(page, href: str) -> None:
    """Follow a link of the main navigation; on a phone, through the menu behind the toggler first."""
    link = page.locator(f"#cx-nav a[href='{href}']")
    if not link.is_visible():
        page.locator("button.navbar-toggler").click()
        expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(rf"{re.escape(href)}$"))


def expect_unread(page, n: int) -> None:
    """The bell in the top bar counts n unread notifications (its badge is fetched by htmx after the page)."""
    expect(page.get_by_test_id("bell").get_by_test_id("unread-count")).to_have_text(re.compile(rf"^\s*{n}\b"))


def unread_of(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return end.replace(day=1), end


# 1-3. The annual plan: written and decomposed by the secretary, progress from an assignee, a task that runs late.
def test_secretary_plans_the_year_an_assignee_reports_and_a_late_task_is_flagged(page, phone_page, login, world):
    today = timezone.localdate()
    name_people(world, secretary="陈红", committee="刘军", member="李四")
    office = Department.objects.create(work_unit=world.unit, name="党建工作部", sort_order=1)
    publicity = Department.objects.create(work_unit=world.unit, name="宣传部", sort_order=2)
    secretary, committee, member = world.secretary, world.committee, world.member_user

    # The secretary of B1 writes the branch's plan for the year.
    login(page, "secretary")
    open_nav(page, "/plans/")
    page.locator("select[name=organization]").select_option(str(world.b1.pk))
    page.locator("main form:has(select[name=organization]) button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/plans/new/{world.b1.pk}/$"))
    expect(page.locator("input[name=year]")).to_have_value(str(today.year))
    expect(page.locator("select[name=owner]")).to_have_value(str(secretary.pk))  # the writer owns it by default
    page.locator("input[name=title]").fill(f"第一支部{today.year}年党建工作计划")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/plans/\d+/$"))
    plan = Plan.objects.get(organization=world.b1, year=today.year)
    expect(page.locator("h1")).to_have_text(plan.title)

    # An item under one of the default areas.
    page.locator(f"main a[href='/plans/{plan.pk}/items/new/']").click()
    page.locator("select[name=area]").select_option(label="组织建设")
    page.locator("input[name=title]").fill("落实“三会一课”制度")
    page.locator("textarea[name=description]").fill("按月召开支部党员大会和支委会，按季度上党课。")
    page.locator("main form button[type=submit]").click()
    item = PlanItem.objects.get(plan=plan)
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/#item-{item.pk}$"))
    expect(page.locator(f"#item-{item.pk} h3")).to_have_text("落实“三会一课”制度")

    # Decomposed into two tasks, one per department, with the three roles among three people.
    start, due = today - datetime.timedelta(days=7), today + datetime.timedelta(days=30)
    tasks = [
        ("制定全年“三会一课”计划表", office, secretary, committee, [member]),
        ("组织专题党课宣讲", publicity, secretary, member, [committee]),
    ]
    for title, department, lead, responsible, cooperating in tasks:
        page.locator(f"#item-{item.pk} a[href='/plans/items/{item.pk}/tasks/new/']").click()
        expect(page).to_have_url(re.compile(rf"/plans/items/{item.pk}/tasks/new/$"))
        form = page.locator("main form")
        form.locator("input[name=title]").fill(title)
        form.locator("select[name=department]").select_option(str(department.pk))
        form.locator("input[name=start_on]").fill(f"{start:%Y-%m-%d}")
        form.locator("input[name=due_on]").fill(f"{due:%Y-%m-%d}")
        pick_person(form, "lead", lead.display_name)  # each found by typing the name, then ticked
        pick_person(form, "responsible", responsible.display_name)
        for user in cooperating:
            pick_person(form, "cooperating", user.display_name)
        form.locator("button[type=submit]").click()
        expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/#task-\d+$"))
    planned, lectures = Task.objects.filter(plan_item=item).order_by("id")
    roles = {(a.task_id, a.member.user_id): a.role
             for a in TaskAssignment.objects.filter(task__plan_item=item).select_related("member")}
    assert roles == {
        (planned.pk, secretary.pk): "lead", (planned.pk, committee.pk): "responsible",
        (planned.pk, member.pk): "cooperating", (lectures.pk, secretary.pk): "lead",
        (lectures.pk, member.pk): "responsible", (lectures.pk, committee.pk): "cooperating",
    }

    page.locator(f"form[action='/plans/{plan.pk}/publish/'] button").click()
    expect(page.locator("main .alert-success")).to_have_text(
        zh("The plan is published; its people have been told of their tasks."))
    expect(page.locator(f"form[action='/plans/{plan.pk}/publish/']")).to_have_count(0)

    # The decomposition table: department, lead, responsible, cooperating, dates for each task.
    dates = f"{start:%Y-%m-%d} ~ {due:%Y-%m-%d}"
    for task, (title, department, lead, responsible, cooperating) in zip((planned, lectures), tasks, strict=True):
        cells = page.locator(f"#task-{task.pk} td")
        expect(cells.nth(0)).to_have_text(title)
        expect(cells.nth(1)).to_have_text(department.name)
        expect(cells.nth(2)).to_have_text(lead.display_name)
        expect(cells.nth(3)).to_have_text(responsible.display_name)
        expect(cells.nth(4)).to_have_text("、".join(u.display_name for u in cooperating))
        expect(cells.nth(5)).to_have_text(dates)
        expect(cells.nth(6).locator("[role=progressbar]")).to_have_attribute("aria-valuenow", "0")

    # 2. The member, on a phone, finds the task on their workbench and reports progress.
    phone = phone_page
    login(phone, "member")
    open_nav(phone, "/workbench/")
    later = phone.get_by_test_id("group-later")
    expect(later.locator(f"a[href='/plans/tasks/{planned.pk}/']")).to_have_text(planned.title)
    expect(later.locator(f"a[href='/plans/tasks/{lectures.pk}/']")).to_have_text(lectures.title)
    later.locator(f"a[href='/plans/tasks/{planned.pk}/']").click()
    expect(phone.locator("h1")).to_have_text(planned.title)
    progress = phone.locator("#progress")
    progress.locator("input[name=progress]").fill("40")
    progress.locator("textarea[name=note]").fill("已完成上半年计划表初稿，待支委会审议。")
    progress.locator("button[type=submit]").click()
    progress = phone.locator("#progress")  # swapped in place by htmx
    expect(progress.get_by_test_id("progress-saved")).to_have_text(zh("Your progress has been recorded."))
    expect(progress.locator("[role=progressbar]").first).to_have_attribute("aria-valuenow", "40")
    expect(progress.locator(".list-group-item").first).to_contain_text("已完成上半年计划表初稿")
    expect(progress.locator("input[name=progress]")).to_have_value("40")  # a fresh form for the next update

    page.reload()  # the secretary's table shows it
    row = page.locator(f"#task-{planned.pk}")
    expect(row.locator("[role=progressbar]")).to_have_attribute("aria-valuenow", "40")
    expect(row.locator("[data-state]")).to_have_attribute("data-state", "in_progress")
    expect(page.locator(f"#task-{lectures.pk} [role=progressbar]")).to_have_attribute("aria-valuenow", "0")

    # 3. A task whose due date has passed (time is the test's part, not the browser's).
    late = plan_services.task_create(
        actor=secretary, plan_item=item, title="报送上季度党费收缴情况", department=office,
        start_on=today - datetime.timedelta(days=30), due_on=today - datetime.timedelta(days=2),
        lead=secretary, responsible=member, cooperating=[committee],
    )
    phone.goto("/workbench/")
    overdue = phone.get_by_test_id("group-overdue")
    late_link = phone.locator(f"a[href='/plans/tasks/{late.pk}/']")
    expect(overdue.locator(f"a[href='/plans/tasks/{late.pk}/']")).to_have_text(late.title)
    expect(overdue.locator("li", has=late_link).locator(".badge")).to_have_text(zh("overdue"))
    expect(phone.get_by_test_id("group-later").locator(f"a[href='/plans/tasks/{late.pk}/']")).to_have_count(0)
    page.reload()
    expect(page.locator(f"#task-{late.pk} [data-state]")).to_have_attribute("data-state", "overdue")

    # Three unread so far: assigned to the two tasks when the plan was published, and to the late one.
    before = unread_of(member)
    assert before == 3
    expect_unread(phone, before)

    # The daily reminder job runs: the late task reaches its people once, however often the job runs.
    assert send_due_reminders(today) > 0
    assert send_due_reminders(today) == 0
    phone.reload()
    expect_unread(phone, before + 1)
    phone.get_by_test_id("bell").click()
    expect(phone).to_have_url(re.compile(r"/notifications/$"))
    notice = phone.get_by_test_id("notification").filter(
        has_text=zh("Overdue since %(date)s: %(task)s", date=f"{late.due_on:%Y-%m-%d}", task=late.title))
    expect(notice).to_have_count(1)
    expect(notice).to_have_attribute("data-unread", "1")
    expect(notice).to_have_attribute("href", re.compile(r"/notifications/\d+/open/$"))
    notice.click()  # opening it leads to the task and counts as read
    expect(phone).to_have_url(re.compile(rf"/plans/tasks/{late.pk}/$"))
    expect_unread(phone, before)


# 4. Directives from above: three branches receive one, two carry it out, the matrix shows the third behind.
def test_committee_sends_a_directive_two_branches_complete_it_and_the_third_is_reminded(page, login, world):
    b3 = organization_create(actor=None, parent=world.pc, name="第三支部", code="B3", kind=Organization.Kind.BRANCH)
    b3_secretary = make_user("b3sec", role=Role.SECRETARY, org=b3, display_name="周平")
    due = timezone.localdate() + datetime.timedelta(days=10)

    login(page, "worker")
    open_nav(page, "/directives/")
    page.get_by_test_id("directive-new").click()
    page.locator(f"main a[href='?sender={world.pc.pk}']").click()  # PC, not B1 (which has a group below it)
    page.locator("input[name=title]").fill("关于开展主题党日活动的通知")
    page.locator("textarea[name=body]").fill("请各支部于本月内组织一次主题党日活动，并报送活动情况。")
    page.locator("input[name=due_on]").fill(f"{due:%Y-%m-%d}")
    for org in (world.b1, world.b2, b3):
        page.locator(f"input[name=recipients][value='{org.pk}']").check()
    page.get_by_test_id("directive-send").click()
    expect(page).to_have_url(re.compile(r"/directives/\d+/$"))
    directive_url = page.url
    expect(page.locator("main .alert-success")).to_have_text(
        zh("The directive has been sent to %(n)s organizations.", n=3))
    matrix = page.get_by_test_id("matrix")
    expect(matrix.locator("[data-count=total]")).to_have_text("3")
    expect(matrix.locator("[data-count=sent]")).to_have_text("3")
    # Nobody has acknowledged yet, but nobody is behind either: a fresh directive leaves them working days.
    expect(matrix.locator("[data-count=behind]")).to_have_text("0")
    expect(matrix.locator("[data-behind]")).to_have_count(0)
    expect(page.get_by_test_id("remind")).to_be_disabled()

    # B1's secretary acknowledges on the directive's page, then reports completion with an answer.
    switch_to(page, login, "secretary")
    open_nav(page, "/directives/")
    page.get_by_test_id("inbox").locator("tr[data-recipient=B1] a").first.click()
    expect(page.get_by_test_id("recipient-state").locator("[data-state]")).to_have_attribute("data-state", "sent")
    page.get_by_test_id("acknowledge").click()
    expect(page.locator("main .alert-success")).to_have_text(zh("Receipt has been acknowledged."))
    expect(page.get_by_test_id("recipient-state").locator("[data-state]")).to_have_attribute(
        "data-state", "acknowledged")
    form = page.get_by_test_id("complete-form")
    form.locator("textarea[name=answer]").fill("已于本月15日组织主题党日活动，全体党员参加。")
    page.get_by_test_id("complete").click()
    expect(page.get_by_test_id("recipient-state").locator("[data-state]")).to_have_attribute("data-state", "completed")
    expect(page.get_by_test_id("answer")).to_have_text("已于本月15日组织主题党日活动，全体党员参加。")

    # B2's secretary acknowledges straight from the inbox list, then completes.
    switch_to(page, login, "outsider")
    open_nav(page, "/directives/")
    row = page.get_by_test_id("inbox").locator("tr[data-recipient=B2]")
    row.locator("form[action$='/acknowledge/'] button").click()
    expect(page.locator("main .alert-success")).to_have_text(zh("Receipt has been acknowledged."))
    page.get_by_test_id("complete-form").locator("textarea[name=answer]").fill("已组织参观红色教育基地。")
    page.get_by_test_id("complete").click()
    expect(page.get_by_test_id("recipient-state").locator("[data-state]")).to_have_attribute("data-state", "completed")

    # A week passes. The sender's matrix: two completed with their answers (and so acknowledged), the third
    # behind: it has not acknowledged within three working days.
    Directive.objects.filter(pk=DirectiveRecipient.objects.values("directive_id")[:1]).update(
        created_at=timezone.now() - datetime.timedelta(days=7))
    switch_to(page, login, "worker")
    page.goto(directive_url)
    matrix = page.get_by_test_id("matrix")
    expect(matrix.locator("[data-count=completed]")).to_have_text("2")
    expect(matrix.locator("[data-count=acknowledged]")).to_have_text("2")
    expect(matrix.locator("[data-count=sent]")).to_have_text("1")
    expect(matrix.locator("[data-count=behind]")).to_have_text("1")
    for code, answer in (("B1", "已于本月15日组织主题党日活动"), ("B2", "已组织参观红色教育基地")):
        done = matrix.locator(f"tr[data-org={code}]")
        expect(done.locator("[data-state]")).to_have_attribute("data-state", "completed")
        expect(done.locator("[data-behind]")).to_have_count(0)
        expect(done.locator("details")).to_contain_text(answer)
    behind = matrix.locator("tr[data-org=B3]")
    expect(behind).to_have_class(re.compile(r"\btable-danger\b"))
    expect(behind.locator("[data-state]")).to_have_attribute("data-state", "sent")
    expect(behind.locator("[data-behind]")).to_have_text(zh("behind"))

    # "Remind those behind" reaches B3 alone.
    page.get_by_test_id("remind").click()
    expect(page.locator("main .alert-success")).to_have_text(
        zh("A reminder has been sent to %(n)s organizations behind.", n=1))
    expect(page.get_by_test_id("matrix").locator("tr[data-org=B3] td").nth(5)).to_have_text(re.compile(r"^\s*1 · "))
    reminded = {r.organization.code: r.reminder_count
                for r in DirectiveRecipient.objects.select_related("organization")}
    assert reminded == {"B1": 0, "B2": 0, "B3": 1}

    switch_to(page, login, "b3sec")
    expect_unread(page, unread_of(b3_secretary))
    page.get_by_test_id("bell").click()
    reminder = page.get_by_test_id("notification").filter(has_text=zh(
        "Reminder: %(title)s (due %(due)s)", title="关于开展主题党日活动的通知", due=f"{due:%Y-%m-%d}"))
    expect(reminder).to_have_count(1)
    reminder.click()
    expect(page).to_have_url(re.compile(r"/directives/received/\d+/$"))
    expect(page.get_by_test_id("recipient-state").locator("[data-behind]")).to_have_text(zh("behind"))


# 5. A monthly report: pre-filled with the month's facts, returned, resubmitted, accepted; who is missing.
def _last_months_work(world, start: datetime.date) -> tuple[Task, Task, Task]:
    """B1's recorded work: a task confirmed done last month, one that ran late last month, one due and done
    this month."""
    secretary, member = world.secretary, world.member_user
    plan = plan_services.plan_create(actor=secretary, organization=world.b1, year=start.year,
                                     title="第一支部年度计划", owner=secretary)
    item = plan_services.plan_item_create(actor=secretary, plan=plan, area=area_list(world.b1)[0], title="学习教育")
    plan_services.plan_publish(actor=secretary, plan=plan)

    def task(title: str, due_on: datetime.date) -> Task:
        return plan_services.task_create(actor=secretary, plan_item=item, title=title, start_on=start, due_on=due_on,
                                         lead=secretary, responsible=member)

    def finish(task: Task) -> None:
        plan_services.progress_update(actor=member, task=task, progress=100, note="完成", expected_version=task.version)
        plan_services.task_confirm_complete(actor=secretary, task=Task.objects.get(pk=task.pk))

    days = datetime.timedelta
    done, late = task("开展专题学习", start + days(20)), task("整理学习笔记", start + days(9))
    now_done = task("筹备主题党日", timezone.localdate())  # due and done this month: not last month's fact
    finish(done)
    finish(now_done)
    # Confirmed in the middle of last month; `now_done` stays confirmed today, in this month.
    mid_month = timezone.make_aware(datetime.datetime.combine(start + days(14), datetime.time(10)))
    Task.objects.filter(pk=done.pk).update(confirmed_at=mid_month)
    # Its work record says so too (collect once: the report counts the record).
    WorkRecord.objects.filter(kind="task_done", target_id=str(done.pk)).update(on=timezone.localdate(mid_month))
    return done, late, now_done


def test_monthly_report_is_prefilled_returned_resubmitted_accepted_and_the_missing_are_listed(page, login, world):
    today = timezone.localdate()
    start, end = previous_month(today)
    name_people(world, secretary="陈红", worker="王干事")
    done, late, now_done = _last_months_work(world, start)

    # The committee requires a monthly report of every branch. Due on the month's last day, so that last month's
    # period is past due whatever today's date: B2, which never reports, is missing, and B1's report is late.
    requirement = report_services.requirement_create(
        actor=world.worker, organization=world.pc, title="支部月度工作报告",
        audience=ReportRequirement.Audience.ORGANIZATIONS, org_kinds=[Organization.Kind.BRANCH], position_kinds=[],
        frequency=ReportRequirement.Frequency.MONTHLY, due_day=0, starts_on=start,
        sections=[{"title": "本月工作情况", "guidance": "平台已汇总的工作"},
                  {"title": "评价与下月打算", "guidance": "对本月工作的判断"}],
    )
    periods_open(today)  # what the daily job (or any reports page) does
    period = ReportPeriod.objects.get(requirement=requirement, start=start)
    assert period.end == end and period.is_past_due(today)

    # The branch secretary starts the report from their list of reports to write.
    login(page, "secretary")
    open_nav(page, "/reports/")
    page.locator(f"main a[href='/reports/periods/{period.pk}/write/{world.b1.pk}/']").click()
    expect(page.locator("h1")).to_contain_text(requirement.title)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    report = Report.objects.get(period=period, organization=world.b1)

    # Pre-filled with last month's facts and nothing else: the first section says it, the panel lists it.
    summary = page.locator("textarea[name=section-0]")
    expect(summary).to_have_value(re.compile(re.escape(zh("%(n)s tasks completed this period", n=1))))
    expect(summary).to_have_value(re.compile(re.escape(done.title)))
    expect(summary).to_have_value(re.compile(re.escape(zh("%(n)s tasks overdue", n=1)) + r".*" + re.escape(late.title)))
    assert now_done.title not in summary.input_value()  # confirmed this month: not last month's fact
    main = page.locator("main")
    expect(main).to_contain_text(zh("Tasks completed") + "：1")  # a full-width colon in Chinese
    expect(main).to_contain_text(done.title)
    expect(page.locator("textarea[name=section-1]")).to_have_value("")  # the judgement is the author's

    # The sections are written in the rich-text editor over each textarea (which stays the form's field).
    expect(page.locator("textarea[name=section-1]")).to_be_hidden()
    page.get_by_test_id("richtext-section-1").fill("本月学习教育按计划推进，笔记整理滞后，下月补齐。")
    page.locator("button[name=action][value=submit]").click()
    expect(page.locator("main .alert-success")).to_have_text(zh("The report has been submitted."))
    expect(page.locator("textarea")).to_have_count(0)  # handed in: read-only now
    expect(main).to_contain_text("本月学习教育按计划推进")

    # The reviewer returns it with a comment.
    switch_to(page, login, "worker")
    page.goto(f"/reports/requirements/{requirement.pk}/")
    expect(page.locator("select#period")).to_have_value(str(period.pk))  # the period that has just ended
    page.locator("#period-table tr", has_text=world.b1.name).locator(f"a[href='/reports/{report.pk}/review/']").click()
    expect(page.locator("main")).to_contain_text("本月学习教育按计划推进")
    page.locator("textarea[name=comment]").fill("请补充笔记整理滞后的原因和整改时限。")
    page.locator("button[name=action][value=return]").click()
    expect(page).to_have_url(re.compile(rf"/reports/requirements/{requirement.pk}/\?period={period.pk}$"))
    expect(page.locator("#period-table tr", has_text=world.b1.name)).to_contain_text(zh("returned"))

    # The author finds it returned on the workbench, reads the comment, edits and submits again.
    switch_to(page, login, "secretary")
    open_nav(page, "/workbench/")
    link = page.locator(f"a[href='/reports/{report.pk}/']")
    expect(page.locator("main li", has=link).locator(".badge")).to_have_text(zh("returned"))
    link.click()
    expect(page.locator("#return-comment")).to_contain_text("请补充笔记整理滞后的原因和整改时限。")
    expect(page.locator("#return-comment")).to_contain_text("王干事")
    expect(page.locator("textarea[name=section-1]")).to_have_value("本月学习教育按计划推进，笔记整理滞后，下月补齐。")
    page.get_by_test_id("richtext-section-1").fill(
        "本月学习教育按计划推进。笔记整理滞后，原因是集中学习时间调整，下月10日前补齐。")
    page.locator("button[name=action][value=submit]").click()
    expect(page.locator("main .alert-success")).to_have_text(zh("The report has been submitted."))
    expect(page.locator("#return-comment")).to_have_count(0)

    # The reviewer accepts it; the period page lists B2 as missing and B1 as late.
    switch_to(page, login, "worker")
    page.goto(f"/reports/{report.pk}/review/")
    expect(page.locator("main")).to_contain_text("下月10日前补齐")
    page.locator("button[name=action][value=accept]").click()
    expect(page.locator("main .alert-success")).to_have_text(zh("The report has been accepted."))
    expect(page.locator("#period-table tr", has_text=world.b1.name)).to_contain_text(zh("accepted"))
    missing = page.locator("#missing-list")
    expect(missing.locator("li")).to_have_text([world.b2.name])
    expect(page.locator("#late-list li")).to_have_text([re.compile(rf"^{world.b1.name}\s+\d{{4}}-\d\d-\d\d$")])
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED and Report.objects.filter(period=period).count() == 1
