"""A branch with a committee for meetings, on top of the root `world`: B1's secretary, a committee member and a
discipline member hold seats (with member files and accounts where the world has them), and B1 has more members:
full ones, a probationary one, an elderly one exempt and one away attending elsewhere."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from chuxin.meetings import services
from chuxin.meetings.models import Arrangement, Kind, Meeting
from chuxin.members.models import Member
from chuxin.orgs.models import Position
from chuxin.orgs.services import position_create
from chuxin.testing import make_member

START = datetime.date(2020, 1, 1)


@dataclass
class Branch:
    secretary_member: Member
    committee_member: Member
    full: list[Member]
    probationary: Member
    elderly: Member
    away: Member


def seat(org, kind: str, member: Member) -> Position:
    return position_create(actor=None, organization=org, kind=kind, member=member, started_on=START)


@pytest.fixture
def branch(world) -> Branch:
    secretary_member = make_member(world.b1, "赵书记", user=world.secretary)
    committee_member = make_member(world.b1, "钱委员", user=world.committee)
    seat(world.b1, Position.Kind.SECRETARY, secretary_member)
    seat(world.b1, Position.Kind.ORGANIZATION, committee_member)
    seat(world.b1, Position.Kind.DISCIPLINE, world.member)
    full = [make_member(world.b1, name) for name in ("周一", "吴二", "郑三")]
    probationary = make_member(world.b1, "冯预备", category="probationary")
    elderly = make_member(world.b1, "陈老", born=datetime.date(1935, 1, 1))
    away = make_member(world.b1, "褚外出")
    services.arrangement_add(actor=None, member=elderly, kind=Arrangement.Kind.EXEMPT, note="年老体弱",
                             started_on=START)
    services.arrangement_add(actor=None, member=away, kind=Arrangement.Kind.ELSEWHERE, note="在深圳参加流入地组织生活",
                             started_on=START)
    return Branch(secretary_member, committee_member, full, probationary, elderly, away)


def plan(world, kind=Kind.GENERAL, *, org=None, when=None, **extra) -> Meeting:
    when = when or timezone.now() - datetime.timedelta(hours=2)
    return services.meeting_plan(actor=world.secretary, organization=org or world.b1, kind=kind,
                                 title=extra.pop("title", "第一季度党员大会"), planned_at=when,
                                 topics=extra.pop("topics", "学习党章\n讨论发展对象"), place="会议室", **extra)


def convened(world, kind=Kind.GENERAL, **extra) -> Meeting:
    return services.meeting_convene(actor=world.secretary, meeting=plan(world, kind, **extra))


def mark_all(world, meeting: Meeting, state: str = "present", **overrides) -> None:
    """Mark every expected attendee still unmarked `state`, and the members named in `overrides` (by name) so."""
    marks = {}
    for row in meeting.attendances.select_related("member"):
        if not row.expected:
            continue
        if row.member.name in overrides:
            marks[row.pk] = overrides[row.member.name]
        elif row.state == "expected":
            marks[row.pk] = state
    services.attendance_mark(actor=world.secretary, meeting=meeting, marks=marks)


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings (the UI defaults to Chinese)."""
