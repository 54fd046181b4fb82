"""Demo organizational life for the demo unit that `manage.py seed_demo` builds: this year's meetings up to today
for every demo branch and Party group, so the compliance pages show a real picture.

HX-B01 and HX-B02 hold everything required (HX-B02 made up one missed committee meeting), HX-B03 is behind (no
general meeting last quarter, themed Party days missed); HX-B01 held its organizational life meeting in Q4 with its
checklist, criticism and rectification list; one meeting of HX-B01 is convened for next week (on the attendees'
workbench and calendar) and one planned. Attendance is mostly present with some leave and a few absences; one
elderly member of HX-B01 is exempt. Idempotent: nothing is made when HX-B01 already has meetings.
"""

from __future__ import annotations

import datetime
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from chuxin.accounts.models import User
from chuxin.members.models import Member
from chuxin.orgs.models import Organization

from . import services
from .models import Arrangement, Attendance, Kind, Meeting

TOPICS = {
    Kind.GENERAL: ["学习贯彻党的二十届三中全会精神", "通报支部工作情况", "讨论发展党员工作", "部署下季度重点工作"],
    Kind.COMMITTEE: ["研究本月党建工作安排", "讨论党员教育管理", "研究主题党日活动方案"],
    Kind.GROUP: ["集体学习《中国共产党章程》", "开展谈心谈话", "交流岗位建功情况"],
    Kind.LECTURE: ["守初心、担使命，做新时代合格党员", "从党史中汲取奋进力量", "以高质量党建引领企业高质量发展"],
    Kind.THEMED_DAY: ["重温入党誓词", "开展志愿服务", "参观红色教育基地", "集中学习习近平总书记重要讲话"],
    Kind.LIFE: ["对照党章党规查摆问题", "开展批评和自我批评", "制定整改措施"],
}
TITLES = {
    Kind.GENERAL: "第{q}季度支部党员大会", Kind.COMMITTEE: "{m}月支部委员会会议", Kind.GROUP: "{m}月党小组会",
    Kind.LECTURE: "第{q}季度党课", Kind.THEMED_DAY: "{m}月主题党日", Kind.LIFE: "{y}年度组织生活会",
}


# The life meeting's optional file: what was studied beforehand (a file is never demanded as proof).
STUDY_LIST = "会前学习材料清单\n1. 《中国共产党章程》\n2. 《中国共产党纪律处分条例》\n3. 习近平总书记关于加强党的建设的重要论述\n"


def _at(day: datetime.date, hour: int = 14) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def _hold(org: Organization, kind: str, day: datetime.date, rng: random.Random, *, actor, lecturer=None,
          makes_up: str = "") -> Meeting | None:
    """A meeting held on `day` (nothing when that day has not come yet)."""
    if day >= timezone.localdate():
        return None
    q, m = (day.month - 1) // 3 + 1, day.month
    topics = rng.sample(TOPICS[kind], k=min(2, len(TOPICS[kind])))
    meeting = services.meeting_plan(
        actor=actor, organization=org, kind=kind, title=TITLES[kind].format(q=q, m=m, y=day.year),
        topics="\n".join(topics), planned_at=_at(day), place="党员活动室", lecturer=lecturer,
        study_hours=2 if kind in (Kind.LECTURE, Kind.THEMED_DAY, Kind.GROUP) else 1, makes_up=makes_up)
    services.meeting_convene(actor=actor, meeting=meeting)
    marks = {}
    for row in meeting.attendances.filter(state=Attendance.State.EXPECTED):
        roll = rng.random()
        marks[row.pk] = "present" if roll < 0.86 else ("late" if roll < 0.90 else ("leave" if roll < 0.97
                                                                                    else "absent"))
    services.attendance_mark(actor=actor, meeting=meeting, marks=marks,
                             reasons={pk: "出差" for pk, s in marks.items() if s == "leave"})
    if kind == Kind.GENERAL and day.month in (4, 5, 6):
        services.resolution_add(actor=actor, meeting=meeting, text="同意将一名入党积极分子列为发展对象",
                                votes_for=meeting.attendances.filter(voting=True, state="present").count(),
                                votes_against=0, votes_abstain=0)
    services.meeting_finalize(
        actor=actor, meeting=meeting, held_on=day,
        minutes="\n\n".join([f"会议由支部书记主持，{t}。" for t in topics] + ["与会党员结合工作实际交流了体会，会议取得预期效果。"]))
    return meeting


@transaction.atomic
def seed_demo_data(*, today: datetime.date) -> None:
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["HX-B01", "HX-B02", "HX-B03", "HX-B02-G1",
                                                                      "HX-B02-G2"])}
    if len(orgs) < 5 or Meeting.objects.filter(organization=orgs["HX-B01"]).exists():
        return
    secretary = User.objects.filter(username="secretary1").first()
    rng = random.Random(9)
    b1, b2, b3 = orgs["HX-B01"], orgs["HX-B02"], orgs["HX-B03"]
    # An elderly member of HX-B01 is not required to attend (条例 2019 第二十三条).
    elderly = Member.objects.filter(organization=b1, status=Member.Status.ACTIVE).order_by("birth_date").first()
    if elderly is not None:
        services.arrangement_add(actor=None, member=elderly, kind=Arrangement.Kind.EXEMPT, note="年老体弱，送学上门",
                                 started_on=datetime.date(today.year, 1, 1))
    behind = {"HX-B03"}
    year = today.year
    last_closed_quarter = (today.month - 1) // 3  # 0 in Q1
    for month in range(1, today.month + 1):
        day = datetime.date(year, month, 10)
        if day >= today:
            continue
        quarter_end = month % 3 == 0
        for code, org in (("HX-B01", b1), ("HX-B02", b2), ("HX-B03", b3)):
            actor = secretary if code == "HX-B01" else None
            has_committee = code != "HX-B03"
            if has_committee and not (code == "HX-B02" and month == 2):
                _hold(org, Kind.COMMITTEE, day, rng, actor=actor)
            if not (code in behind and month % 2 == 0):
                _hold(org, Kind.THEMED_DAY, day + datetime.timedelta(days=5), rng, actor=actor)
            if quarter_end:
                q = month // 3
                if not (code in behind and q == last_closed_quarter):
                    _hold(org, Kind.GENERAL, day + datetime.timedelta(days=10), rng, actor=actor)
                _hold(org, Kind.LECTURE, day + datetime.timedelta(days=12), rng, actor=actor,
                      lecturer=_secretary_member(org) if q == 2 else None)
        for group in (orgs["HX-B02-G1"], orgs["HX-B02-G2"]):
            _hold(group, Kind.GROUP, day + datetime.timedelta(days=3), rng, actor=None)
    if today.month >= 3:
        # HX-B02 made up February's committee meeting in March.
        _hold(b2, Kind.COMMITTEE, datetime.date(year, 3, 3), rng, actor=None, makes_up=f"{year}-02")
    if today > datetime.date(year, 11, 20):
        _life_meeting(b1, datetime.date(year, 11, 20), secretary)
    else:  # before this year's is held: last year's, so the record book and the file have one
        _life_meeting(b1, datetime.date(year - 1, 11, 20), secretary)
    # Next week's general meeting is convened (on the attendees' workbench); a themed day is only planned.
    upcoming = services.meeting_plan(
        actor=secretary, organization=b1, kind=Kind.GENERAL, title="第四季度支部党员大会",
        topics="年度党建工作总结\n民主评议党员安排", planned_at=_at(today + datetime.timedelta(days=5), 9),
        place="党员活动室")
    upcoming = services.meeting_convene(actor=secretary, meeting=upcoming)
    # A member asks for leave from it (on the secretary's workbench to approve).
    member_user = User.objects.filter(username="member1").first()
    row = upcoming.attendances.filter(member__user=member_user).first() if member_user else None
    if row is not None:
        services.leave_request(actor=member_user, attendance=row, reason="当天在外地出差")
    # HX-B03's February themed Party day was excused for the Spring Festival shutdown (its other gaps are not).
    if today > datetime.date(year, 2, 28):
        services.exemption_set(actor=None, organization=b3, kind=Kind.THEMED_DAY, period=f"{year}-02",
                               reason="春节停产放假，经党委同意本月不开展")
    services.meeting_plan(actor=secretary, organization=b1, kind=Kind.THEMED_DAY, title="下月主题党日：志愿服务进社区",
                          topics="志愿服务", planned_at=_at(today + datetime.timedelta(days=14), 9), place="城南街道社区")


def _secretary_member(org: Organization) -> Member | None:
    from chuxin.orgs.models import Position

    seat = Position.objects.filter(organization=org, kind=Position.Kind.SECRETARY, ended_on__isnull=True,
                                   member__isnull=False).select_related("member").first()
    return seat.member if seat else None


def _life_meeting(org: Organization, day: datetime.date, secretary) -> None:
    meeting = services.meeting_plan(actor=secretary, organization=org, kind=Kind.LIFE,
                                    title=TITLES[Kind.LIFE].format(y=day.year, q=4, m=day.month),
                                    topics="\n".join(TOPICS[Kind.LIFE]), planned_at=_at(day), place="党员活动室")
    services.meeting_convene(actor=secretary, meeting=meeting)
    services.preparation_save(actor=secretary, meeting=meeting, study_done_on=day - datetime.timedelta(days=14),
                              study_note="集中学习党章和《中国共产党纪律处分条例》",
                              opinions_done_on=day - datetime.timedelta(days=7),
                              opinions_note="发放征求意见表，召开群众座谈会")
    rows = list(meeting.attendances.select_related("member").filter(state=Attendance.State.EXPECTED))
    services.attendance_mark(actor=secretary, meeting=meeting, marks={r.pk: "present" for r in rows})
    for row in rows[:3]:
        services.criticism_save(actor=secretary, meeting=meeting, member=row.member,
                                self_criticism="理论学习不够系统，联系群众不够经常。",
                                criticism_received="希望在业务攻坚中更好发挥党员先锋模范作用。")
    for text, days in (("建立支部月度学习清单，书记带头领学", 60), ("每名委员联系5名党员，每季度谈心一次", 90)):
        services.rectification_add(actor=None, meeting=meeting, text=text,
                                   due_on=max(day, timezone.localdate()) + datetime.timedelta(days=days))
    services.meeting_finalize(actor=secretary, meeting=meeting, held_on=day, attachments=[
                              ContentFile(STUDY_LIST.encode(), name="会前学习材料清单.txt")],
                              minutes="会前开展了集中学习、谈心谈话和征求意见。会上支部书记代表支委会对照检查，"
                                      "党员逐一开展批评和自我批评，会议确定了两项整改措施。")
