"""Activities on top of the root `world`: B1's members with logins (李四, the world's plain member, and 周一, 吴二),
and helpers to make an activity that begins soon or has begun."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from chuxin.activities import services
from chuxin.activities.models import Activity
from chuxin.members.models import Member
from chuxin.testing import make_member, make_user


@dataclass
class People:
    li: Member  # the world's member, with the member_user login
    zhou: Member
    wu: Member


@pytest.fixture
def people(world) -> People:
    zhou = make_member(world.b1, "周一", user=make_user("zhou"))
    wu = make_member(world.b1, "吴二", user=make_user("wu"))
    return People(world.member, zhou, wu)


def activity(world, *, org=None, starts_in=datetime.timedelta(days=1), hours=3, capacity=2, **extra) -> Activity:
    start = timezone.now() + starts_in
    return services.activity_create(actor=world.secretary if org is None else world.worker,
                                    organization=org or world.b1, kind=extra.pop("kind", Activity.Kind.VOLUNTEER),
                                    title=extra.pop("title", "社区义诊志愿服务"), place="社区服务中心",
                                    starts_at=start, ends_at=start + datetime.timedelta(hours=hours),
                                    capacity=capacity, **extra)


def begun(a: Activity, minutes: int = 10) -> Activity:
    """Move the activity so that it began `minutes` ago (sign-ups were taken before)."""
    length = a.ends_at - a.starts_at
    a.starts_at = timezone.now() - datetime.timedelta(minutes=minutes)
    a.ends_at = a.starts_at + length
    Activity.objects.filter(pk=a.pk).update(starts_at=a.starts_at, ends_at=a.ends_at)
    return a


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings (the UI defaults to Chinese)."""
