"""The plans app's fixtures: a B1 plan owned by its secretary, two departments of the company, a recorder of
the notifications and evidence the services send to other apps."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest

from chuxin import testing
from chuxin.orgs.models import Department
from chuxin.plans import services
from chuxin.plans.models import Plan, PlanItem

START = datetime.date(2026, 3, 1)
DUE = datetime.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings (the UI defaults to Chinese)."""


@pytest.fixture(autouse=True)
def _people_with_files(request):
    """Task people are members: the world's secretary and committee member get their member files in B1."""
    if "world" in request.fixturenames:
        testing.give_member_files(request.getfixturevalue("world"))


@dataclass
class Sent:
    notes: list[tuple[str, str, object]] = field(default_factory=list)  # (username, kind, target)

    def kinds_for(self, user) -> list[str]:
        return [kind for username, kind, _t in self.notes if username == user.username]


@pytest.fixture
def sent(monkeypatch) -> Sent:
    record = Sent()

    def send(*, recipient, kind, target, title, url, actor, dedup_key="", params=None):
        if recipient != actor:  # as notify: nobody is told of what they did themselves
            record.notes.append((recipient.username, kind, target))

    monkeypatch.setattr(services, "_send", send)
    return record


@pytest.fixture
def departments(world) -> tuple[Department, Department]:
    return (
        Department.objects.create(work_unit=world.unit, name="综合办公室", sort_order=1),
        Department.objects.create(work_unit=world.unit, name="研发中心", sort_order=2),
    )


@pytest.fixture
def plan(world) -> Plan:
    return services.plan_create(actor=world.secretary, organization=world.b1, year=2026,
                                title="第一支部2026年党建工作计划", owner=world.secretary)


@pytest.fixture
def item(world, plan) -> PlanItem:
    area = plan.organization.plan_areas.get(name="组织建设")
    return services.plan_item_create(actor=world.secretary, plan=plan, area=area, title="规范落实三会一课")


@pytest.fixture
def task(world, item, departments, sent):
    return services.task_create(
        actor=world.secretary, plan_item=item, title="制定年度学习计划", department=departments[0],
        start_on=START, due_on=DUE, lead=world.secretary, responsible=world.committee,
        cooperating=[world.member_user],
    )
