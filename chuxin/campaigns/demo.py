"""Demo campaigns, study and innovation for the demo unit that `manage.py seed_demo` builds (after the meetings,
whose records tick the checklists):

- one running theme education campaign of 华兴集团党委 (HX-PC) for its three branches, with three stages around
  today: the first (themed Party day) is ticked by the branches' own themed days, the second is under way with a
  report and a rectification list, the third is to come; HX-B01 ticked its rectification list by hand;
- this year's study plan of HX-B01, a topic a month, each month's themed Party day linked to its topic;
- this year's call for innovation projects with two reviewers and a project in every state (member1 leads the
  submitted one).

Idempotent: nothing is made when HX-PC already has a campaign.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction

from chuxin.accounts.models import User
from chuxin.meetings.models import Kind, Meeting
from chuxin.members.models import Member
from chuxin.orgs.models import Organization

from . import services
from .models import Campaign, Project

TOPICS = ["学习《中国共产党章程》总纲", "学习党的二十大报告", "学习《中国共产党纪律处分条例》", "学习党史：建党精神",
          "学习习近平总书记关于国有企业党建的重要论述", "学习新时代党员先锋模范作用", "学习《中国共产党支部工作条例》",
          "学习党的二十届三中全会精神", "学习全面从严治党要求", "学习优秀共产党员先进事迹", "学习《中国共产党党员教育管理工作条例》",
          "年度学习总结交流"]
PROJECTS = [
    # (title, problem, state, award)
    ("党员先锋岗数字化管理", "先锋岗履职情况靠纸质台账，难以及时掌握", Project.State.SUBMITTED, ""),
    ("车间节能降耗攻关", "老旧产线能耗偏高", Project.State.APPROVED, ""),
    ("社区党群服务小程序", "社区居民办事信息分散", Project.State.RUNNING, ""),
    ("研发流程精益改进", "新品研发周期偏长", Project.State.DELIVERED, Project.Award.EXCELLENT),
    ("青年读书会品牌建设", "青年党员学习形式单一", Project.State.STOPPED, ""),
    ("办公用品共享平台", "与现有系统功能重复", Project.State.REJECTED, ""),
]


@transaction.atomic
def seed_demo_data(*, today: datetime.date) -> None:
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["HX-PC", "HX-B01", "HX-B02", "HX-B03"])}
    if len(orgs) < 4 or Campaign.objects.filter(organization=orgs["HX-PC"]).exists():
        return
    _campaign(orgs, today)
    _study_plan(orgs["HX-B01"], today)
    _projects(orgs, today)


def _campaign(orgs, today: datetime.date) -> None:
    start = today - datetime.timedelta(days=60)
    campaign = services.campaign_launch(
        actor=None, organization=orgs["HX-PC"], name=f"{today.year}年主题教育", starts_on=start,
        ends_on=today + datetime.timedelta(days=60),
        description="以学铸魂、以学增智、以学正风、以学促干，分学习教育、检视整改、总结提升三个阶段推进。")
    services.stage_add(actor=None, campaign=campaign, name="学习教育", starts_on=start,
                       ends_on=today - datetime.timedelta(days=31), meeting_kinds=[Kind.THEMED_DAY])
    second = services.stage_add(actor=None, campaign=campaign, name="检视整改", starts_on=today - datetime.timedelta(
        days=30), ends_on=today + datetime.timedelta(days=5), meeting_kinds=[Kind.THEMED_DAY], report=True,
        manual=["形成问题清单和整改清单"])
    services.stage_add(actor=None, campaign=campaign, name="总结提升", starts_on=today + datetime.timedelta(days=6),
                       ends_on=campaign.ends_on, meeting_kinds=[Kind.LIFE], manual=["形成主题教育总结报告"])
    b1 = campaign.participants.get(organization=orgs["HX-B01"])
    services.action_tick(actor=None, participant=b1, action=second.actions.get(kind="manual"),
                         note="支部梳理问题6条，整改清单已报党委", done_on=today - datetime.timedelta(days=3))


def _study_plan(org: Organization, today: datetime.date) -> None:
    plan = services.plan_create(actor=None, organization=org, year=today.year, title=f"{today.year}年“两学一做”学习计划")
    topics = []
    for month, title in enumerate(TOPICS, start=1):
        topics.append(services.topic_add(
            actor=None, plan=plan, month=month, title=title, description="支部集中学习，党员交流心得体会。",
            links="https://www.12371.cn/" if month % 3 == 1 else "",
            attachments=[ContentFile(f"{title}\n学习要点：\n1. 原文通读\n2. 结合岗位谈体会\n".encode(),
                                     name=f"{month}月学习材料.txt")] if month <= today.month else []))
    for meeting in Meeting.objects.filter(organization=org, kind=Kind.THEMED_DAY, status=Meeting.Status.FINALIZED,
                                          held_on__year=today.year).order_by("held_on"):
        services.topic_link_meeting(actor=None, topic=topics[meeting.held_on.month - 1], meeting=meeting)


def _projects(orgs, today: datetime.date) -> None:
    reviewers = list(User.objects.filter(username__in=["committee1", "worker"]).order_by("username"))
    if len(reviewers) < 2:
        return
    call = services.call_open(actor=None, organization=orgs["HX-PC"], year=today.year, title=f"{today.year}年度“双创”项目征集",
                              closes_on=today + datetime.timedelta(days=30), reviewers=reviewers,
                              description="围绕生产经营难题和群众急难愁盼，由青年党员牵头申报创新创效项目。")
    members = list(Member.objects.filter(organization__code__in=["HX-B01", "HX-B02"], status=Member.Status.ACTIVE)
                   .select_related("organization").order_by("birth_date").reverse()[:12])
    member1 = Member.objects.filter(user__username="member1").select_related("organization").first()
    for i, (title, problem, state, award) in enumerate(PROJECTS):
        leader = member1 if i == 0 and member1 else members[i % len(members)]
        project = Project.objects.create(
            call=call, organization=leader.organization, organization_path=leader.organization.path, title=title,
            problem=problem, goal="形成可推广的做法", expected_result="效率提升，群众满意", leader=leader,
            mentor="集团技术中心专家" if i % 2 else "", proposed_by=leader.user)
        project.team.set([m for m in members[i + 1:i + 3] if m.pk != leader.pk])
        if state == Project.State.SUBMITTED:
            services.project_review(actor=reviewers[0], project=project, score=85, comment="选题贴近实际，建议细化实施步骤。")
            continue
        for reviewer, score in zip(reviewers, (88, 82), strict=True):
            services.project_review(actor=reviewer, project=project, score=score, comment="方案可行，目标明确。")
        if state == Project.State.REJECTED:
            services.project_decide(actor=None, project=project, approve=False, note="与集团现有信息系统功能重复")
            continue
        services.project_decide(actor=None, project=project, approve=True)
        if state == Project.State.APPROVED:
            continue
        services.project_start(actor=None, project=project)
        services.milestone_add(actor=None, project=project, title="完成方案设计", due_on=today - datetime.timedelta(days=20))
        services.milestone_add(actor=None, project=project, title="试点运行", due_on=today + datetime.timedelta(days=40))
        services.update_add(actor=None, project=project, text="完成调研和方案设计，进入试点。")
        if state == Project.State.DELIVERED:
            services.project_close(actor=None, project=project, delivered=True, award=award,
                                   evaluation="研发周期缩短约两成，做法已在集团推广。")
        elif state == Project.State.STOPPED:
            services.project_close(actor=None, project=project, delivered=False,
                                   evaluation="因人员调整暂停，经验转入读书会常态化活动。")
