"""Fixed people and places every test can use (the house's base test case, as pytest fixtures).

The tree:           SUP (superior committee)
                     └─ PC (grassroots committee)
                         ├─ B1 (branch) ── G1 (Party group)
                         └─ B2 (branch, the sibling)
People: worker (Party-affairs worker on PC), secretary (secretary on B1), committee (committee member on B1),
member (a plain member with a file in B1), outsider (secretary on sibling B2),
viewer (superior viewer on SUP), stranger (an account with no role anywhere).
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

import pytest

from chuxin.accounts.models import Role, RoleGrant, User
from chuxin.members import citizen_id
from chuxin.members.models import Member
from chuxin.members.pinyin import name_keys
from chuxin.members.services import apply_citizen_id
from chuxin.orgs.models import Organization, WorkUnit
from chuxin.orgs.services import organization_create

PASSWORD = "test-pass-123"
_seq = itertools.count(1)


def valid_citizen_id(born: datetime.date, *, male: bool = True, seq: int | None = None) -> str:
    n = next(_seq) if seq is None else seq
    first17 = f"110105{born:%Y%m%d}{n % 100:02d}{(1 if male else 2) + 2 * (n % 4)}"
    return first17 + citizen_id.check_char(first17)


def make_member(org: Organization, name: str = "张三", *, category: str = "full", male: bool = True,
                born: datetime.date = datetime.date(1985, 5, 20), **extra) -> Member:
    member = Member(
        organization=org, name=name, gender="male" if male else "female", birth_date=born,
        joined_on=extra.pop("joined_on", datetime.date(2010, 7, 1)),
        full_member_on=extra.pop("full_member_on", datetime.date(2011, 7, 1) if category == "full" else None),
        category=category, **extra,
    )
    member.name_pinyin, member.name_initials = name_keys(name)
    apply_citizen_id(member, valid_citizen_id(born, male=male))
    member.save()
    return member


def make_user(username: str, *, role: str | None = None, org: Organization | None = None, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, must_change_password=False, **extra)
    if role and org:
        RoleGrant.objects.create(user=user, organization=org, role=role)
    return user


@dataclass
class World:
    sup: Organization
    pc: Organization
    b1: Organization
    g1: Organization
    b2: Organization
    unit: WorkUnit
    worker: User
    secretary: User
    committee: User
    member_user: User
    member: Member
    outsider: User
    viewer: User
    stranger: User
    b2_member: Member


@pytest.fixture
def world(db) -> World:
    K = Organization.Kind
    sup = organization_create(actor=None, parent=None, name="上级党委", code="SUP", kind=K.SUPERIOR_COMMITTEE)
    pc = organization_create(actor=None, parent=sup, name="基层党委", code="PC", kind=K.GRASSROOTS_COMMITTEE)
    b1 = organization_create(actor=None, parent=pc, name="第一支部", code="B1", kind=K.BRANCH)
    g1 = organization_create(actor=None, parent=b1, name="第一党小组", code="G1", kind=K.PARTY_GROUP)
    b2 = organization_create(actor=None, parent=pc, name="第二支部", code="B2", kind=K.BRANCH)
    unit = WorkUnit.objects.create(name="测试单位", organization=pc)
    member_user = make_user("member")
    member = make_member(b1, "李四", user=member_user, phone="13900000001")
    return World(
        sup=sup, pc=pc, b1=b1, g1=g1, b2=b2, unit=unit,
        worker=make_user("worker", role=Role.WORKER, org=pc),
        secretary=make_user("secretary", role=Role.SECRETARY, org=b1),
        committee=make_user("committee", role=Role.COMMITTEE, org=b1),
        member_user=member_user, member=member,
        outsider=make_user("outsider", role=Role.SECRETARY, org=b2),
        viewer=make_user("viewer", role=Role.VIEWER, org=sup),
        stranger=make_user("stranger"),
        b2_member=make_member(b2, "王五", male=False),
    )


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user."""

    def login(user: User):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def english(settings):
    """For tests that read the English source strings: the UI itself defaults to Chinese."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
