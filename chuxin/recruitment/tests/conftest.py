"""A branch (the world's B1) with full members to sponsor, a probationary one, and a person in recruitment."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from chuxin.members.models import Member
from chuxin.recruitment import services
from chuxin.recruitment.models import Applicant
from chuxin.testing import make_member, valid_citizen_id

BORN = datetime.date(2000, 3, 4)


@dataclass
class Branch:
    full: list[Member]
    probationary: Member


@pytest.fixture
def branch(world) -> Branch:
    full = [make_member(world.b1, name) for name in ("周一", "吴二")]
    return Branch(full, make_member(world.b1, "冯预备", category="probationary"))


def apply(world, *, on: datetime.date, name: str = "林晓", org=None, actor=None, **extra) -> Applicant:
    return services.applicant_create(
        actor=actor if actor is not None else world.secretary, organization=org or world.b1,
        citizen_id_number=extra.pop("number", None) or valid_citizen_id(BORN, male=False), applied_on=on,
        name=name, gender="female", birth_date=BORN, **extra)


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings (the UI defaults to Chinese)."""
