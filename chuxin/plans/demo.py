"""A demo annual plan for the demo unit that `manage.py seed_demo` builds.

HX-PC's plan for the current year, owned by the Party-affairs worker: eight items in the six default areas,
twenty tasks for the company's departments and the demo logins in the three roles as a real committee assigns
them: the secretary (secretary1, the demo's secretary login) leads (亲自抓) every task, the Party-affairs worker
(worker) or a committee member (committee1) is responsible (具体抓) and others cooperate (配合抓), a plain member
(member1) among them, and two members of 机关第一党支部 without a login ("@1", "@2": their secretary, secretary1, is
told to pass the tasks on). The people are the member files of those logins. With progress history and every state: done, awaiting confirmation, in progress, overdue,
due soon and not started, all dated relative to `today`, inside the plan's year wherever that keeps the state, and
a task that names its quarter falls in that quarter. Idempotent: nothing happens if the plan exists.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from chuxin.accounts.models import User
from chuxin.members.models import Member
from chuxin.orgs.models import Department, Organization
from chuxin.records.selectors import records_in

from . import services
from .models import DUE_SOON_DAYS, Plan, ProgressUpdate, Task

logger = logging.getLogger(__name__)

# (area, item title, description)
ITEMS = [
    ("政治建设", "深入学习贯彻党的二十大精神", "把学习贯彻党的创新理论作为首要政治任务，推动学习成果转化为发展成效。"),
    ("思想建设", "党委理论学习中心组学习", "全年集中学习不少于12次，每季度开展一次专题研讨。"),
    ("组织建设", "规范落实“三会一课”制度", "各支部按期召开支部党员大会、支委会、党小组会，按时上好党课。"),
    ("组织建设", "做好发展党员工作", "坚持标准、严格程序，向研发和生产一线倾斜。"),
    ("组织建设", "党支部标准化规范化建设", "对照标准化建设清单逐项达标，培育一个示范党支部。"),
    ("作风建设", "大兴调查研究", "班子成员每人牵头一个调研课题，形成调研报告并推动问题解决。"),
    ("纪律建设", "党风廉政建设和反腐败工作", "落实全面从严治党主体责任，开展廉洁风险排查和警示教育。"),
    ("制度建设", "完善党建工作制度体系", "修订党委会议事规则，建立党建与业务融合考核办法。"),
]

SECRETARY = "secretary1"  # the demo's secretary login leads (亲自抓) what the secretary leads: every task

# (item index, title, department, responsible, cooperating, start offset, due offset, state, progress)
# The lead is SECRETARY. Offsets are days from today; progress is the list of (percent, note, days ago) reported
# by the responsible. "{quarter}" in a title is the quarter its due date falls in.
TASKS = [
    (0, "制定学习贯彻方案并印发", "综合办公室", "worker", ["committee1"], -150, -110, "done",
     [(50, "方案初稿已完成，征求各支部意见", 125), (100, "方案经党委会审议通过并印发", 112)]),
    (0, "举办专题读书班", "人力资源部", "worker", ["member1"], -100, -60, "done",
     [(60, "完成第一期，68人参加", 80), (100, "两期读书班全部结束，提交学习心得52篇", 62)]),
    (0, "开展专题宣讲进基层", "综合办公室", "committee1", ["member1"], -60, 45, "in_progress",
     [(30, "已在机关、研发中心宣讲2场", 30), (55, "生产一线宣讲完成1场", 8)]),
    (1, "{quarter}中心组专题学习", "综合办公室", "worker", [], -140, -100, "done",
     [(100, "完成3次集中学习，形成研讨材料", 101)]),
    (1, "{quarter}中心组专题研讨", "综合办公室", "worker", ["committee1"], -70, -4, "overdue",
     [(40, "已完成2次学习，专题研讨待安排", 20), (70, "研讨发言材料已收齐", 6)]),
    (1, "编印学习资料汇编", "综合办公室", "member1", ["worker"], -30, 20, "submitted",
     [(50, "完成资料收集", 15), (100, "汇编已印制200册并分发", 1)]),
    (2, "各支部“三会一课”台账检查", "人力资源部", "committee1", ["worker"], -40, 2, "due_soon",
     [(60, "已检查机关第一党支部、研发中心党支部", 5)]),
    (2, "书记讲党课", "综合办公室", "committee1", ["member1"], -20, 30, "in_progress",
     [(20, "书记党课讲稿已起草，听课范围已通知", 4)]),
    (2, "主题党日活动安排", "市场部", "committee1", ["member1", "@1"], 0, 90, "open", []),
    (3, "确定年度入党积极分子", "人力资源部", "worker", ["committee1"], -120, -80, "done",
     [(100, "确定入党积极分子9名，已报党委备案", 82)]),
    (3, "发展对象培训班", "人力资源部", "committee1", ["member1"], -10, 5, "due_soon",
     [(35, "培训方案已定，已联系授课老师", 3)]),
    (3, "预备党员转正审核", "人力资源部", "committee1", [], 10, 120, "open", []),
    (4, "对照标准化清单开展自查", "综合办公室", "committee1", ["member1"], -90, -10, "overdue",
     [(50, "机关第一党支部自查完成", 45), (80, "研发中心党支部自查完成，生产一线党支部待完成", 15)]),
    (4, "创建示范党支部", "研发中心", "committee1", ["worker", "@2"], -50, 150, "in_progress",
     [(25, "确定研发中心党支部为创建对象，制定创建方案", 35)]),
    (5, "班子成员调研课题立项", "综合办公室", "worker", [], -110, -70, "done",
     [(100, "确定调研课题6个，每位班子成员牵头1个", 75)]),
    (5, "生产一线安全生产调研", "生产部", "committee1", ["member1"], -30, 60, "in_progress",
     [(40, "走访车间3个，座谈职工36人", 12)]),
    (6, "廉洁风险点排查", "财务部", "worker", ["committee1"], -35, -1, "submitted",
     [(60, "财务、采购环节排查完成", 14), (100, "排查风险点27个，制定防控措施", 2)]),
    (6, "警示教育大会", "综合办公室", "worker", ["member1"], 5, 6, "due_soon", []),
    (7, "修订党委会议事规则", "综合办公室", "worker", ["@1"], -80, 25, "in_progress",
     [(60, "修订稿已征求班子成员意见", 18)]),
    (7, "制定党建与业务融合考核办法", "人力资源部", "worker", ["committee1"], 20, 200, "open", []),
]

QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")


def quarter_of(day: datetime.date) -> str:
    return QUARTERS[(day.month - 1) // 3]


def _when(day: datetime.date, today: datetime.date) -> str:
    """Which state a due date gives an unfinished task: past, due soon or later."""
    if day < today:
        return "past"
    return "soon" if day <= today + datetime.timedelta(days=DUE_SOON_DAYS) else "later"


def in_year(day: datetime.date, today: datetime.date) -> datetime.date:
    """The date moved inside today's year, unless that would change what it means for the task's state (early in
    January nothing can be overdue inside the year; late in December nothing can be far off)."""
    moved = min(max(day, datetime.date(today.year, 1, 1)), datetime.date(today.year, 12, 31))
    return moved if _when(moved, today) == _when(day, today) else day


def seed_demo_data(*, today: datetime.date) -> None:
    pc = Organization.objects.filter(code="HX-PC").first()
    users = {u.username: u for u in User.objects.filter(username__in=["worker", SECRETARY, "committee1",
                                                                       "member1"], member__isnull=False)}
    if pc is None or len(users) < 4:
        logger.warning("The demo unit is missing; run seed_demo first.")
        return
    if Plan.objects.filter(organization=pc, year=today.year).exists():
        return
    with transaction.atomic():
        _seed(pc, users, today)


def _seed(pc: Organization, users: dict[str, User], today: datetime.date) -> None:
    worker = users["worker"]
    # The task's people are member files: those of the logins, and two of the branch's members without one.
    people: dict[str, Member] = {m.user.username: m for m in Member.objects.filter(user__in=users.values())
                                 .select_related("user")}
    without_login = Member.objects.filter(organization__code="HX-B01", user__isnull=True,
                                          status=Member.Status.ACTIVE).order_by("id")
    people.update({f"@{n}": m for n, m in enumerate(without_login[:2], start=1)})
    departments = {d.name: d for d in Department.objects.filter(work_unit__name="华兴科技集团有限公司")}
    plan = services.plan_create(actor=worker, organization=pc, year=today.year,
                                title=f"华兴科技集团有限公司党委{today.year}年党建工作计划", owner=worker)
    areas = {a.name: a for a in pc.plan_areas.all()}
    items = [
        services.plan_item_create(actor=worker, plan=plan, area=areas[area], title=title, description=text,
                                  order=i)
        for i, (area, title, text) in enumerate(ITEMS)
    ]
    days = datetime.timedelta
    for index, title, dept, responsible, cooperating, start, due, state, updates in TASKS:
        due_on = in_year(today + days(days=due), today)
        start_on = min(in_year(today + days(days=start), today), due_on)
        task = services.task_create(
            actor=worker, plan_item=items[index], title=title.format(quarter=quarter_of(due_on)),
            department=departments.get(dept), start_on=start_on, due_on=due_on, lead=people[SECRETARY],
            responsible=people[responsible], cooperating=[people[u] for u in cooperating if u in people],
        )
        for percent, note, ago in updates:
            task.refresh_from_db()
            update = services.progress_update(actor=users[responsible], task=task, progress=percent, note=note,
                                              expected_version=task.version)
            at = timezone.now() - days(days=ago, hours=3)
            ProgressUpdate.objects.filter(pk=update.pk).update(created_at=at)
            Task.objects.filter(pk=task.pk).update(updated_at=at)
        if state == "done":
            task.refresh_from_db()
            services.task_confirm_complete(actor=worker, task=task)
            confirmed = timezone.now() - days(days=updates[-1][2] - 1)
            Task.objects.filter(pk=task.pk).update(confirmed_at=confirmed)
            # The work record carries the same (back-dated) day, so reports count it in its period.
            records_in(plan.organization, kinds=["task_done"]).filter(target_id=str(task.pk)).update(
                on=timezone.localdate(confirmed))
    services.plan_publish(actor=worker, plan=plan)
