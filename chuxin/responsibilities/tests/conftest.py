"""Seats on the shared world's committees, so responsibility lists exist: the B1 secretary and a committee
member (both with accounts), a B1 discipline member, and the B2 secretary (the outsider)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from chuxin.members.models import Member
from chuxin.orgs.models import Position
from chuxin.orgs.services import position_create
from chuxin.testing import make_member

START = datetime.date(2020, 1, 1)


@dataclass
class Seats:
    secretary_member: Member
    committee_member: Member
    secretary: Position
    committee: Position
    discipline: Position
    b2_secretary: Position


def seat(org, kind: str, member: Member) -> Position:
    return position_create(actor=None, organization=org, kind=kind, member=member, started_on=START)


@pytest.fixture
def seats(world) -> Seats:
    secretary_member = make_member(world.b1, "赵书记", user=world.secretary)
    committee_member = make_member(world.b1, "钱委员", user=world.committee)
    outsider_member = make_member(world.b2, "孙书记", user=world.outsider)
    return Seats(
        secretary_member=secretary_member,
        committee_member=committee_member,
        secretary=seat(world.b1, Position.Kind.SECRETARY, secretary_member),
        committee=seat(world.b1, Position.Kind.ORGANIZATION, committee_member),
        discipline=seat(world.b1, Position.Kind.DISCIPLINE, world.member),
        b2_secretary=seat(world.b2, Position.Kind.SECRETARY, outsider_member),
    )


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings (the UI defaults to Chinese)."""
