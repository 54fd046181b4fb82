"""Campaign, study and innovation worlds on top of the root `world`: a campaign of PC for B1 and B2, meetings held
through the meetings app's own services (so their records are the real ones), a call with two reviewers."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from chuxin.campaigns import services
from chuxin.meetings import services as meetings
from chuxin.meetings.models import Kind, Meeting
from chuxin.testing import make_member, make_user


def today() -> datetime.date:
    return timezone.localdate()


def held(world, org=None, kind=Kind.THEMED_DAY, *, actor=None, title="主题党日：学习党章", on=None) -> Meeting:
    """A meeting planned, convened, everyone marked present and finalized: its record is written."""
    org = org or world.b1
    actor = actor or (world.secretary if org == world.b1 else world.outsider)
    when = timezone.now() - datetime.timedelta(hours=3)
    meeting = meetings.meeting_plan(actor=actor, organization=org, kind=kind, title=title, planned_at=when,
                                    topics="学习党章", place="会议室")
    meeting = meetings.meeting_convene(actor=actor, meeting=meeting)
    marks = {row.pk: "present" for row in meeting.attendances.filter(expected=True)}
    if marks:
        meetings.attendance_mark(actor=actor, meeting=meeting, marks=marks)
    return meetings.meeting_finalize(actor=actor, meeting=meeting, held_on=on or today(), minutes="<p>纪要</p>")


def launch(world, *, stages=3, organizations=()):
    start = today() - datetime.timedelta(days=10)
    campaign = services.campaign_launch(actor=world.worker, organization=world.pc, name="主题教育",
                                        starts_on=start, ends_on=start + datetime.timedelta(days=90),
                                        organizations=organizations)
    names = ["学习教育", "检视问题", "整改落实"]
    for i in range(stages):
        s = start + datetime.timedelta(days=30 * i)
        services.stage_add(actor=world.worker, campaign=campaign, name=names[i], starts_on=s,
                           ends_on=s + datetime.timedelta(days=29), meeting_kinds=[Kind.THEMED_DAY] if i == 0
                           else [], report=i == 1, manual=["制定整改清单"] if i == 2 else [])
    return campaign


@pytest.fixture
def campaign(world):
    return launch(world)


@pytest.fixture
def call(world):
    reviewer_a = make_user("reviewer_a", role="committee", org=world.pc)
    reviewer_b = make_user("reviewer_b", role="committee", org=world.pc)
    return services.call_open(actor=world.worker, organization=world.pc, year=today().year, title="双创项目征集",
                              closes_on=today() + datetime.timedelta(days=30), reviewers=[reviewer_a, reviewer_b])


@pytest.fixture
def young(world):
    """A young member of B1 with an account, who proposes a project."""
    user = make_user("young")
    return make_member(world.b1, "青年甲", user=user, born=datetime.date(2000, 5, 1)), user


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings (the UI defaults to Chinese)."""
