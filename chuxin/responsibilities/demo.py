"""Demo responsibility lists for the demo unit that `manage.py seed_demo` builds.

Templates (the defaults) are made at HX-PC, lists for every current seat, the demo logins linked to the lists of
the seats they stand for (secretary1: the HX-B01 secretary; committee1: an HX-B02 committee seat), some items
done by the work other apps' demos recorded (tasks, directives, reports: collected again here, so the order in
which the demos run does not matter) and some marked by hand with a note. Idempotent.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction

from chuxin.accounts.models import User
from chuxin.orgs.models import Organization

from .models import ListItem, PostKind, ResponsibilityList
from .services import evidence_replay, lists_ensure_for_year, templates_create_defaults

logger = logging.getLogger(__name__)

# (organization code, post kind, login): the demo login stands for that seat's holder.
LOGINS = [("HX-B01", PostKind.SECRETARY, "secretary1"), ("HX-B02", PostKind.LEADER, "committee1")]

# (organization code, post kind, words in the duty, note): duties marked by hand.
BY_HAND = [
    ("HX-PC", PostKind.COMMITTEE, "发展党员", "全年发展党员4名，均按程序公示、预审"),
    ("HX-PC", PostKind.COMMITTEE, "意识形态", "上半年意识形态工作分析研判会已开"),
    ("HX-PC", PostKind.SECRETARY, "听取", "听取各支部书记抓党建工作汇报"),
    ("HX-PC", PostKind.DISCIPLINE, "谈心谈话", "与新任支部委员逐一谈话"),
    ("HX-B01", PostKind.SECRETARY, "谈心谈话", "与支委、党员谈心谈话全覆盖"),
    ("HX-B01", PostKind.SECRETARY, "讲党课", "七一讲专题党课《守初心 担使命》"),
    ("HX-B02", PostKind.LEADER, "同部署", ""),
]


def seed_demo_data(*, today: datetime.date) -> None:
    pc = Organization.objects.filter(code="HX-PC").first()
    if pc is None:
        return
    with transaction.atomic():
        templates_create_defaults(pc)
        lists_ensure_for_year(today.year)
        _link_logins(today.year)
        _mark_by_hand(today)
    with transaction.atomic():
        # Count the work the other apps' demos recorded before these lists existed (once per item).
        evidence_replay(today.year)


def _link_logins(year: int) -> None:
    for code, post_kind, username in LOGINS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        rlist = (
            ResponsibilityList.objects.filter(organization__code=code, post_kind=post_kind, year=year,
                                              holder_user__isnull=True, holder_member__user__isnull=True)
            .order_by("pk")
            .first()
        )
        if rlist and not ResponsibilityList.objects.filter(holder_user=user, year=year).exists():
            rlist.holder_user = user
            rlist.save(update_fields=["holder_user", "updated_at"])


def _mark_by_hand(today: datetime.date) -> None:
    worker = User.objects.filter(username="worker").first()
    for n, (code, post_kind, words, note) in enumerate(BY_HAND):
        item = ListItem.objects.filter(
            list__organization__code=code, list__post_kind=post_kind, list__year=today.year, text__contains=words,
        ).select_related("list").order_by("pk").first()
        if item is None or item.is_done:
            continue
        done_on = max(datetime.date(today.year, 1, 1), today - datetime.timedelta(days=20 * (n + 1)))
        item.done_count = max(item.done_count, item.required_count)
        item.done_at = datetime.datetime.combine(done_on, datetime.time(10), tzinfo=datetime.UTC)
        item.done_note = note
        item.marked_by = item.list.holder_user or worker
        item.save()
