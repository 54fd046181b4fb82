"""Demo data: notices with partial reads, active member groups, and a connected robot that is clearly a demo (an
address under .invalid, switched off, with a failed push to show what a failure looks like)."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from chuxin.accounts.models import User
from chuxin.orgs.models import Organization

from . import services
from .models import MessageAttachment, Notice, NoticeAttachment, NoticeRecipient, Push, Robot

SCHEDULE = "主题党日安排\n1. 学习党章第三章\n2. 社区志愿服务\n"
STUDY = "学习材料：《中国共产党章程》第三章。\n"
DEMO_WEBHOOK = "https://robot.demo.invalid/robot/send?access_token=demo-only"


@transaction.atomic
def seed_demo_data(*, today: datetime.date) -> None:
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["HX-B01", "HX-B02"])}
    if len(orgs) < 2 or Notice.objects.exists():
        return
    b1, b2 = orgs["HX-B01"], orgs["HX-B02"]
    committee = b1.parent if getattr(b1, "parent", None) else b1
    notice = services.notice_send(
        actor=None, organization=committee, title="关于开展本月主题党日活动的通知",
        body="各支部：\n\n请于本月下旬组织开展主题党日活动，围绕学习党章和志愿服务安排内容，活动后在系统中记录会议即可，无需另报材料。",
        priority="important", needs_confirmation=True, confirm_by=today + datetime.timedelta(days=7),
        to_organizations=[b1, b2])
    NoticeAttachment(notice=notice, name="主题党日安排表.txt", size=len(SCHEDULE.encode())).file.save(
        "schedule.txt", ContentFile(SCHEDULE.encode()), save=True)
    services.notice_send(actor=None, organization=committee, title="党员活动室开放时间调整",
                         body="即日起党员活动室每周二、四下午开放。", to_organizations=[b1])
    # About half have opened it, a third of those confirmed: the read matrix has something to show.
    rows = list(NoticeRecipient.objects.filter(notice=notice).order_by("pk"))
    now = timezone.now()
    for i, row in enumerate(rows):
        if i % 2 == 0:
            row.read_at = now - datetime.timedelta(hours=i + 1)
            row.confirmed_at = row.read_at if i % 3 == 0 else None
    NoticeRecipient.objects.bulk_update(rows, ["read_at", "confirmed_at"])

    # Two active groups: the committee's (everyone below it) and the first branch's, with a reply and a mention.
    people = {u.username: u for u in User.objects.filter(username__in=["worker", "secretary1", "member1",
                                                                         "committee1"])}
    talk = {
        committee: [("worker", "各支部本月主题党日的安排已发通知，请在平台里看一下。"),
                    ("secretary1", "第一支部定在25日下午，地点党员活动室。"),
                    ("committee1", "第二支部第一党小组想和社区一起做志愿服务，欢迎其他支部同志参加。")],
        b1: [("secretary1", "@任怡远 周五学习会请你领学党章第三章。"),
             ("member1", "好的，我提前准备。"),
             ("secretary1", "学习材料稍后发到群里，大家有空先看看，不用回复。")],
    }
    for org, lines in talk.items():
        group = services.group_of(org)
        previous = None
        for username, text in lines:
            if username in people:
                previous = services.message_post(actor=people[username], group=group, text=text,
                                                 reply_to=previous if text.startswith("好的") else None)
    if previous is not None:
        MessageAttachment(message=previous, name="学习材料.txt", size=len(STUDY.encode())).file.save(
            "study.txt", ContentFile(STUDY.encode()), save=True)

    robot = Robot.objects.create(organization=b1, platform="dingtalk", name="第一支部钉钉群（演示）",
                                 webhook=DEMO_WEBHOOK, secret="SECdemo", enabled=False)  # noqa: S106 (a demo)
    Push.objects.create(robot=robot, source=f"notice:{notice.pk}", title=f"通知：{notice.title}",
                        url=notice.get_absolute_url(), status=Push.Status.FAILED, attempts=5,
                        last_error="演示用的地址，无法送达：未发送")
    Robot.objects.filter(pk=robot.pk).update(last_error="演示用的地址，无法送达：未发送")
