"""Demo data: notices with partial reads, active member groups, and a connected robot that is clearly a demo (an
address under .invalid, switched off, with a failed push to show what a failure looks like)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from chuxin.members.models import Member
from chuxin.orgs.models import Organization

from . import selectors, services
from .models import Notice, NoticeRecipient, Push, Robot

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

    for org in (b1, b2):
        group = selectors.group_of(org)
        people = list(Member.objects.filter(organization=org, user__isnull=False, status=Member.Status.ACTIVE)
                      .select_related("user")[:3])
        lines = ["大家好，本月主题党日初步定在25日下午，地点党员活动室。", "好的，我提前把学习材料发到群里。",
                 "志愿服务的社区已经联系好了，需要的同志可以一起去。"]
        for person, text in zip(people, lines, strict=False):
            services.message_post(actor=person.user, group=group, text=text)

    robot = Robot.objects.create(organization=b1, platform="dingtalk", name="第一支部钉钉群（演示）",
                                 webhook=DEMO_WEBHOOK, secret="SECdemo", enabled=False)  # noqa: S106 (a demo)
    Push.objects.create(robot=robot, source=f"notice:{notice.pk}", title=f"通知：{notice.title}",
                        url=notice.get_absolute_url(), status=Push.Status.FAILED, attempts=5,
                        last_error="演示地址 robot.demo.invalid 不可达：未发送")
    Robot.objects.filter(pk=robot.pk).update(last_error="演示地址 robot.demo.invalid 不可达：未发送")
