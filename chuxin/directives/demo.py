"""Demo directives: one from the superior committee to the grassroots committee, and one from the grassroots
committee to its three branches, two done and the third (HX-B03) behind. Idempotent: a directive already there
by its title is left alone."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from chuxin.accounts.models import User
from chuxin.orgs.models import Organization

from . import services
from .models import Directive, DirectiveAction, DirectiveRecipient

THEMED_DAY = "关于开展主题党日活动的通知"
THEMED_DAY_BODY = """各基层党组织：
为深入学习贯彻党的二十大精神，推动主题党日活动规范化、常态化，经研究，决定在全系统开展“学思想、强党性、重实践、建新功”主题党日活动。现将有关事项通知如下：
一、活动时间：本月内，各单位结合实际确定具体日期。
二、活动内容：重温入党誓词；集中学习党章和习近平总书记重要讲话精神；开展一次志愿服务或结对共建活动。
三、有关要求：各基层党委要加强统筹，确保党员全员参与；活动结束后5个工作日内报送活动开展情况（含参加人数、主要做法和成效）。"""

SELF_CHECK = "关于开展“三会一课”制度落实情况自查的通知"
SELF_CHECK_BODY = """各党支部：
为进一步严肃党内政治生活，根据上级党委工作安排，现就本年度“三会一课”制度落实情况开展一次自查。
一、自查内容：支部党员大会、支部委员会会议、党小组会和党课的召开次数、会议记录和党员参会情况。
二、自查方式：各支部对照会议记录逐项核对，查找问题，列出整改措施。
三、报送要求：请于截止日期前在平台上报告完成情况，写明自查发现的问题和整改安排。"""

ANSWERS = {
    "HX-B01": "已于本周三召开支部委员会会议专题部署自查。经逐项核对，全年应召开支部党员大会4次，实际召开4次；"
              "支委会12次，实际12次；党课4次，书记讲党课1次。发现2次会议记录签到不完整，已补充完善，"
              "并明确由组织委员负责会后三日内归档。",
    "HX-B02": "支部组织两个党小组分别自查，共核对会议记录31份。发现第二党小组有1个月因项目攻关未按时召开党小组会，"
              "已于次月补开并在支部大会上作说明；下一步将党小组会固定在每月第一个周五，由小组长负责提醒。",
}


# The self-check's template, attached by the sender for the branches to fill in.
SELF_CHECK_FORM = "“三会一课”制度落实情况自查表.txt"
SELF_CHECK_FORM_TEXT = """“三会一课”制度落实情况自查表

支部名称：
自查时间：

一、支部党员大会：应召开  次，实际召开  次，记录是否完整：
二、支部委员会会议：应召开  次，实际召开  次，记录是否完整：
三、党小组会：应召开  次，实际召开  次，记录是否完整：
四、党课：应讲  次，实际讲  次，其中书记讲党课  次：

发现的问题：

整改措施及时限：
"""


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _backdate(row_ids, **fields) -> None:
    DirectiveRecipient.objects.filter(pk__in=row_ids).update(**fields)


@transaction.atomic
def seed_demo_data(*, today: datetime.date) -> None:
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["SASAC-PC", "HX-PC", "HX-B01", "HX-B02",
                                                                      "HX-B03"])}
    if len(orgs) < 5:
        return  # the demo unit is not there
    admin = User.objects.filter(is_superuser=True).order_by("id").first()
    worker, secretary1 = _user("worker"), _user("secretary1")
    if admin is None or worker is None or secretary1 is None:
        return
    now = timezone.now()

    def at(days_ago: int, hour: int) -> datetime.datetime:
        moment = datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(hour, 0))
        return min(timezone.make_aware(moment), now)

    if not Directive.objects.filter(sender=orgs["SASAC-PC"], title=THEMED_DAY).exists():
        directive = services.directive_send(
            actor=admin, sender=orgs["SASAC-PC"], title=THEMED_DAY, body=THEMED_DAY_BODY,
            due_on=today + datetime.timedelta(days=12), recipients=[orgs["HX-PC"]], today=today,
        )
        Directive.objects.filter(pk=directive.pk).update(created_at=at(3, 9))
        row = directive.recipients.get()
        services.directive_acknowledge(actor=worker, recipient=row)
        services.directive_action_add(actor=worker, recipient=row, text="党委会研究制定主题党日活动方案，明确各支部时间安排",
                                      responsible=worker, due_on=today + datetime.timedelta(days=2))
        services.directive_action_add(actor=worker, recipient=row, text="组织各支部重温入党誓词并开展结对共建志愿服务",
                                      responsible=secretary1, due_on=today + datetime.timedelta(days=9))
        first = DirectiveAction.objects.filter(recipient=row).order_by("id").first()
        DirectiveAction.objects.filter(pk=first.pk).update(done_on=today - datetime.timedelta(days=1))
        _backdate([row.pk], acknowledged_at=at(2, 10))

    if not Directive.objects.filter(sender=orgs["HX-PC"], title=SELF_CHECK).exists():
        directive = services.directive_send(
            actor=worker, sender=orgs["HX-PC"], title=SELF_CHECK, body=SELF_CHECK_BODY,
            due_on=today + datetime.timedelta(days=3),
            recipients=[orgs["HX-B01"], orgs["HX-B02"], orgs["HX-B03"]], today=today,
            attachments=[ContentFile(SELF_CHECK_FORM_TEXT.encode(), name=SELF_CHECK_FORM)],
        )
        Directive.objects.filter(pk=directive.pk).update(created_at=at(7, 9))
        rows = {row.organization.code: row for row in directive.recipients.select_related("organization")}
        for code, actor, acked, done in (("HX-B01", secretary1, 6, 2), ("HX-B02", worker, 5, 1)):
            services.directive_acknowledge(actor=actor, recipient=rows[code])
            services.directive_complete(actor=actor, recipient=rows[code], answer=ANSWERS[code])
            _backdate([rows[code].pk], acknowledged_at=at(acked, 11), completed_at=at(done, 16))
        # HX-B03 has not even acknowledged it: the matrix shows it behind, ready for a reminder.
