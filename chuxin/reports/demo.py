"""Demo report requirements with history: HX-PC's monthly report from its branches and a quarterly report from
branch secretaries (secretary1 is linked to HX-B01's secretary seat so one of them can log in). Two months back every branch reported (HX-B03 late); last month HX-B02 was accepted, HX-B01's
report was returned with a comment and HX-B03's is missing. Idempotent: requirements are found by title, and
reports already there are left alone."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chuxin.accounts.models import User
from chuxin.core.richtext import sanitize
from chuxin.members.models import Member
from chuxin.orgs.models import Organization, Position
from chuxin.records.services import record_work

from .models import Report, ReportPeriod, ReportRequirement
from .periods import period_bounds, periods_open
from .services import report_start

MONTHLY = "支部月度工作报告"
QUARTERLY = "支部书记季度抓党建工作报告"

MONTHLY_SECTIONS = [
    {"title": "本月工作完成情况", "guidance": "对照年度计划和上级交办事项，写明完成了什么、效果如何。"},
    {"title": "存在的问题", "guidance": "实事求是，写明问题及原因。"},
    {"title": "下月工作打算", "guidance": "具体到事项、责任人和时间。"},
]
QUARTERLY_SECTIONS = [
    {"title": "履行第一责任人职责情况", "guidance": "亲自抓了哪些党建工作。"},
    {"title": "“三会一课”等组织生活开展情况", "guidance": ""},
    {"title": "存在的不足和下步措施", "guidance": ""},
]

TEXTS = {
    "HX-B01": ["本月组织支部党员集中学习2次，召开支委会1次，开展“学思想、强党性”主题党日活动，党员参加率95%。",
               "个别党员学习笔记记录不完整；理论学习与业务工作结合还不够紧密。",
               "开展一次谈心谈话；组织委员负责整理会议记录，月底前归档。"],
    "HX-B02": ["围绕研发攻关开展党员先锋岗活动，完成“三会一课”自查，党小组会按时召开。",
               "第二党小组因项目攻关一次会议延期召开。",
               "固定每月第一个周五召开党小组会；筹备下季度党课。"],
    "HX-B03": ["按计划召开支部党员大会，收缴党费并公示。",
               "支部委员会人员不齐，部分工作推进较慢。",
               "配合党委做好支委补选准备工作。"],
}


def _requirement(title: str, **fields) -> ReportRequirement:
    requirement, _ = ReportRequirement.objects.get_or_create(title=title, defaults=fields)
    return requirement


def _fill(report: Report, texts: list[str], *, status: str, submitted: datetime.datetime,
          reviewer: User | None = None, comment: str = "") -> None:
    """Turn a fresh draft into history: the texts written, handed in at `submitted`, reviewed a day later."""
    sections = [dict(section) for section in report.sections]
    for section, text in zip(sections, texts, strict=False):
        section["html"] = (section["html"] or "") + sanitize(text)
    report.sections = sections
    report.status = status
    report.submitted_at = report.first_submitted_at = submitted
    if status in (Report.Status.ACCEPTED, Report.Status.RETURNED):
        report.reviewer, report.reviewed_at = reviewer, submitted + datetime.timedelta(days=1)
        report.review_comment = comment
    report.version += 1
    report.save()
    # Collect once, as report_submit and report_accept would have: the filing (and the acceptance) are work
    # records, dated when they happened, so the summaries and responsibility lists count the demo's history.
    period, url = report.period, reverse("reports:report", args=[report.pk])
    filed_on = timezone.localdate(submitted)
    frequency = period.requirement.frequency
    record_work(kind="report_filed", organization=report.organization, on=filed_on, target=report,
                actor=report.author, users=[report.author], url=url,
                payload={"period": str(period), "late": filed_on > period.due_on, "frequency": frequency})
    if status == Report.Status.ACCEPTED:
        record_work(kind="report_accepted", organization=report.organization, target=report, actor=reviewer,
                    on=timezone.localdate(report.reviewed_at), users=[report.author], url=url,
                    payload={"period": str(period), "frequency": frequency})


def _at(day: datetime.date, hour: int = 16) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _link_secretary_seat() -> None:
    """The quarterly report is owed by secretaries with a login. The demo's seats are held by member files without
    accounts, so secretary1 (who stands for HX-B01's secretary) is linked to that seat's member file, if both
    are still free."""

    user = User.objects.filter(username="secretary1").first()
    if user is None or Member.objects.filter(user=user).exists():
        return
    seat = (
        Position.objects.filter(organization__code="HX-B01", kind=Position.Kind.SECRETARY, ended_on__isnull=True,
                                member__isnull=False, member__user__isnull=True)
        .select_related("member").order_by("started_on").first()
    )
    if seat is not None:
        seat.member.user = user
        seat.member.save(update_fields=["user", "updated_at"])


@transaction.atomic
def seed_demo_data(*, today: datetime.date) -> None:
    pc = Organization.objects.filter(code="HX-PC").first()
    worker = User.objects.filter(username="worker").first()
    if pc is None or worker is None:
        return
    this_month, _end = period_bounds("monthly", today)
    last_month, _end = period_bounds("monthly", this_month - datetime.timedelta(days=1))
    two_back, _end = period_bounds("monthly", last_month - datetime.timedelta(days=1))
    monthly = _requirement(
        MONTHLY, organization=pc, audience=ReportRequirement.Audience.ORGANIZATIONS,
        org_kinds=list(Organization.BRANCH_KINDS), frequency=ReportRequirement.Frequency.MONTHLY, due_day=10,
        sections=MONTHLY_SECTIONS, starts_on=two_back, created_by=worker,
        description="各党支部每月10日前报送上月工作情况，由支部书记撰写。",
    )
    _requirement(
        QUARTERLY, organization=pc, audience=ReportRequirement.Audience.POSTS,
        position_kinds=[Position.Kind.SECRETARY], frequency=ReportRequirement.Frequency.QUARTERLY, due_day=15,
        sections=QUARTERLY_SECTIONS, starts_on=period_bounds("quarterly", today)[0], created_by=worker,
        description="各支部书记每季度结束后15日内报告履行党建第一责任人职责情况。",
    )
    _link_secretary_seat()
    periods_open(today)
    branches = {org.code: org for org in Organization.objects.filter(code__in=TEXTS)}
    secretary1 = User.objects.filter(username="secretary1").first() or worker

    def history(start: datetime.date, code: str, **kwargs) -> None:
        period = ReportPeriod.objects.get(requirement=monthly, start=start)
        org = branches.get(code)
        if org is None or Report.objects.filter(period=period, organization=org).exists():
            return
        author = secretary1 if code == "HX-B01" else worker  # no accounts for the other secretaries: the worker
        report = report_start(actor=author, period=period, organization=org)
        _fill(report, TEXTS[code], reviewer=worker, **kwargs)

    due_two_back = ReportPeriod.objects.get(requirement=monthly, start=two_back).due_on
    history(two_back, "HX-B01", status=Report.Status.ACCEPTED, submitted=_at(due_two_back - datetime.timedelta(days=3)))
    history(two_back, "HX-B02", status=Report.Status.ACCEPTED, submitted=_at(due_two_back - datetime.timedelta(days=1)))
    history(two_back, "HX-B03", status=Report.Status.ACCEPTED, submitted=_at(due_two_back + datetime.timedelta(days=4)),
            comment="报送超期，请今后按时报送。")
    due_last = ReportPeriod.objects.get(requirement=monthly, start=last_month).due_on
    early = min(due_last - datetime.timedelta(days=2), today - datetime.timedelta(days=2))
    history(last_month, "HX-B02", status=Report.Status.ACCEPTED, submitted=_at(early))
    history(last_month, "HX-B01", status=Report.Status.RETURNED, submitted=_at(early, 10),
            comment="“存在的问题”写得较笼统，请结合本月会议记录写明具体问题和原因，补充整改责任人后重新提交。")
    # HX-B03 has not reported for last month: it shows on the missing list once the due day has passed.
