import datetime

import pytest

from chuxin.orgs.models import Organization, Position
from chuxin.reports.models import Report, ReportRequirement
from chuxin.reports.periods import periods_open
from chuxin.reports.services import report_start
from chuxin.testing import make_member

K = Organization.Kind
SECTIONS = [
    {"title": "本月工作完成情况", "guidance": ""},
    {"title": "存在的问题", "guidance": "问题及原因"},
    {"title": "下月工作打算", "guidance": ""},
]


def make_requirement(org, *, audience="organizations", frequency="monthly", kinds=None, starts_on=None,
                     due_day=10, **extra) -> ReportRequirement:
    return ReportRequirement.objects.create(
        organization=org, title=extra.pop("title", "支部月度工作报告"), audience=audience, frequency=frequency,
        org_kinds=kinds if kinds is not None and audience == "organizations" else (
            [K.BRANCH] if audience == "organizations" else []),
        position_kinds=kinds if audience == "posts" else [],
        due_day=due_day, sections=extra.pop("sections", SECTIONS),
        starts_on=starts_on or datetime.date(2026, 1, 1), **extra,
    )


def open_period(requirement, start: datetime.date):
    periods_open(start, [requirement])
    return requirement.periods.get(start=start)


def secretary_seat(org, user, name="书记甲"):
    member = make_member(org, name, user=user)
    return Position.objects.create(organization=org, kind=Position.Kind.SECRETARY, member=member,
                                   started_on=datetime.date(2020, 1, 1))


@pytest.fixture
def monthly(world):
    """HX-PC-like: PC asks its branches (B1, B2) for a monthly report, from January 2026."""
    return make_requirement(world.pc)


@pytest.fixture
def january(monthly):
    return open_period(monthly, datetime.date(2026, 1, 1))


def started(period, org, user) -> Report:
    return report_start(actor=user, period=period, organization=org)
