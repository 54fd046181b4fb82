"""Evaluation fixtures on top of the root `world`: B1 with members who log in (three full members, one of them on
B1's committee; a probationary member; a member of its Party group G1) and one who left the roll."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from chuxin.evaluation import services
from chuxin.evaluation.models import Evaluation, Participant
from chuxin.members.models import Member
from chuxin.orgs.models import Position
from chuxin.testing import make_member, make_user


@dataclass
class Branch:
    world: object
    people: dict  # name -> (member, user)

    def user(self, name: str):
        return self.people[name][1]

    def member(self, name: str) -> Member:
        return self.people[name][0]

    def part(self, evaluation: Evaluation, name: str) -> Participant:
        return evaluation.participants.get(member=self.member(name))

    @property
    def today(self) -> datetime.date:
        return timezone.localdate()

    def open(self, *, year: int | None = None) -> Evaluation:
        return services.evaluation_open(
            actor=self.world.secretary, organization=self.world.b1, year=year or self.today.year,
            self_assessment_due=self.today + datetime.timedelta(days=3),
            grading_due=self.today + datetime.timedelta(days=7))

    def to_grading(self) -> Evaluation:
        evaluation = self.open()
        return services.evaluation_advance(actor=self.world.secretary, evaluation=evaluation, step="start_grading")

    def to_decision(self, proposal: dict | None = None) -> Evaluation:
        evaluation = self.to_grading()
        services.evaluation_advance(actor=self.world.secretary, evaluation=evaluation, step="close_grading")
        graded = evaluation.participants.filter(graded=True)
        grades = proposal or {p.pk: "qualified" for p in graded}
        return services.grades_propose(actor=self.world.secretary, evaluation=evaluation, grades=grades,
                                       comments={}, submit=True)


@pytest.fixture
def branch(world) -> Branch:
    people = {"李四": (world.member, world.member_user)}
    for name, category, org in (("陈一", "full", world.b1), ("周二", "full", world.b1), ("吴三", "full", world.g1),
                                ("郑五", "probationary", world.b1)):
        user = make_user(f"u-{name}")
        people[name] = (make_member(org, name, category=category, user=user), user)
    gone = make_member(world.b1, "冯七")
    gone.status = Member.Status.TRANSFERRED_OUT
    gone.save()
    Position.objects.create(organization=world.b1, kind=Position.Kind.ORGANIZATION, member=people["陈一"][0],
                            started_on=datetime.date(2024, 1, 1))
    return Branch(world, people)


@pytest.fixture(autouse=True)
def _in_english(english):
    """The tests read the English source strings (pages and messages); the UI itself defaults to Chinese."""
