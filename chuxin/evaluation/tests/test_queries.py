"""Lists and pages cost the same number of queries for a small branch as for a large one: B2 with 3 members taking
part and 1 talk, a new branch B3 with 30 members and 28 talks, each evaluation with the committee's proposal
stage open and a ballot cast. Read by the Party-affairs worker (both branches in scope), and by each branch's own
secretary (a member taking part, with a seat) for their own part."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuxin.evaluation import services
from chuxin.evaluation.selectors import workbench_items
from chuxin.orgs.models import Organization, Position
from chuxin.orgs.services import organization_create
from chuxin.testing import make_member, make_user


def _branch(world, org, n: int, tag: str):
    talker_user = make_user(f"talker-{tag}")
    talker = make_member(org, f"书记{tag}", user=talker_user)
    Position.objects.create(organization=org, kind=Position.Kind.SECRETARY, member=talker,
                            started_on=datetime.date(2024, 1, 1))
    members = [make_member(org, f"成员{tag}{i}") for i in range(n - org.members.count())]
    today = datetime.date.today()
    evaluation = services.evaluation_open(actor=world.worker, organization=org, year=today.year,
                                          self_assessment_due=today, grading_due=today)
    services.evaluation_advance(actor=world.worker, evaluation=evaluation, step="start_grading")
    services.ballot_cast(actor=talker_user, evaluation=evaluation, grades={
        p.pk: "qualified" for p in evaluation.participants.exclude(member=talker)})
    services.evaluation_advance(actor=world.worker, evaluation=evaluation, step="close_grading")
    for i, member in enumerate(members or org.members.exclude(pk=talker.pk)[:1]):
        services.talk_record(actor=world.worker, organization=org, talker=talker, member=member,
                             held_on=today - datetime.timedelta(days=i % 20), kind="routine")
    assert evaluation.participants.count() == n
    return evaluation, talker_user


@pytest.fixture
def two(world):
    b3 = organization_create(actor=None, parent=world.pc, name="第三支部", code="B3", kind=Organization.Kind.BRANCH)
    return _branch(world, world.b2, 3, "甲"), _branch(world, b3, 30, "乙")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["detail", "mine", "propose", "decide", "talks", "coverage"])
def test_pages_cost_the_same_for_3_as_for_30(world, client_for, two, name):
    counts = []
    for evaluation, secretary in two:
        pk = evaluation.organization_id if name in ("talks", "coverage") else evaluation.pk
        url = reverse(f"evaluation:{name}", kwargs={"pk": pk})
        reader = secretary if name == "mine" else world.worker
        counts.append(_count(client_for(reader), url))
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries for 3, {counts[1]} for 30"


def test_the_index_costs_the_same_with_one_evaluation_or_two(world, client_for, two):
    (small, _user), (large, _secretary) = two
    url = reverse("evaluation:index")
    both = _count(client_for(world.worker), url)
    large.delete()
    assert _count(client_for(world.worker), url) == both


def test_the_workbench_items_cost_the_same_whatever_the_number_of_evaluations(world):
    member_user = world.member_user
    today = datetime.date.today()

    def count() -> int:
        user = type(member_user).objects.get(pk=member_user.pk)
        with CaptureQueriesContext(connection) as queries:
            workbench_items(user)
        return len(queries)

    services.evaluation_open(actor=world.secretary, organization=world.b1, year=today.year,
                             self_assessment_due=today, grading_due=today)
    one = count()
    for year in (today.year - 1, today.year - 2):
        services.evaluation_open(actor=world.secretary, organization=world.b1, year=year,
                                 self_assessment_due=today, grading_due=today)
    # The user's standings (loaded once per request, shared with the page), their parts, their seats, the
    # evaluations they propose or decide on; from October one more (the branches where they are secretary by a
    # grant on it) and three for each of those (none here).
    assert count() == one
