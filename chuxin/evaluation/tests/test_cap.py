"""The cap on "excellent": at most one in every three graded members, rounded down (GLOSSARY, 民主评议党员), a
rule an organization may make stricter; the meeting's decision and the committee's proposal keep to it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from chuxin.evaluation import services
from chuxin.evaluation.apps import EXCELLENT_SHARE
from chuxin.evaluation.models import Evaluation
from chuxin.evaluation.selectors import excellent_cap
from chuxin.orgs.services import rule_set
from chuxin.testing import make_member


@pytest.mark.parametrize(("graded", "cap"), [(3, 1), (4, 1), (29, 9), (30, 10), (2, 0), (0, 0)])
def test_the_cap_is_a_third_rounded_down(world, graded, cap):
    evaluation = Evaluation(organization=world.b1, year=2026)
    assert excellent_cap(evaluation, graded) == cap


def test_an_organization_may_make_the_cap_stricter_for_its_subtree(world):
    rule_set(actor=world.worker, organization=world.pc, code=EXCELLENT_SHARE, value="4", reason="从严掌握")
    assert excellent_cap(Evaluation(organization=world.b1, year=2026), 30) == 7
    with pytest.raises(ValidationError):  # never looser than a third
        rule_set(actor=world.worker, organization=world.pc, code=EXCELLENT_SHARE, value="2", reason="放宽")


def _decide(world, n_members: int, excellent: int):
    """A B2 evaluation with n graded members, concluded with `excellent` of them graded excellent."""
    for i in range(n_members - 1):  # B2 already has 王五
        make_member(world.b2, f"成员{i}")
    today = datetime.date.today()
    evaluation = services.evaluation_open(actor=world.outsider, organization=world.b2, year=today.year,
                                          self_assessment_due=today, grading_due=today)
    for step in ("start_grading", "close_grading"):
        services.evaluation_advance(actor=world.outsider, evaluation=evaluation, step=step)
    graded = list(evaluation.participants.filter(graded=True).order_by("pk"))
    assert len(graded) == n_members
    grades = {p.pk: "excellent" if i < excellent else "qualified" for i, p in enumerate(graded)}
    services.grades_propose(actor=world.outsider, evaluation=evaluation, grades={p.pk: "qualified" for p in graded},
                            comments={}, submit=True)
    return services.evaluation_conclude(actor=world.outsider, evaluation=evaluation, grades=grades,
                                        meeting_on=today)


@pytest.mark.parametrize(("n", "cap"), [(3, 1), (4, 1), (29, 9), (30, 10)])
def test_the_decision_takes_the_cap_and_refuses_one_more(world, n, cap):
    with pytest.raises(ValidationError) as refused:
        _decide(world, n, cap + 1)
    message = " ".join(refused.value.messages)
    assert f"At most {cap} of the {n} graded members" in message
    assert not Evaluation.objects.filter(stage="concluded").exists()


@pytest.mark.parametrize(("n", "cap"), [(3, 1), (30, 10)])
def test_the_decision_at_the_cap_is_recorded(world, n, cap):
    evaluation = _decide(world, n, cap)
    assert evaluation.stage == "concluded"
    assert evaluation.participants.filter(final_grade="excellent").count() == cap


def test_the_proposal_keeps_to_the_cap_too(branch):
    world = branch.world
    evaluation = branch.to_grading()
    services.evaluation_advance(actor=world.secretary, evaluation=evaluation, step="close_grading")
    graded = list(evaluation.participants.filter(graded=True))
    assert len(graded) == 4  # 李四, 陈一, 周二 and 吴三 (G1); the probationary 郑五 is not graded
    with pytest.raises(ValidationError, match="At most 1 of the 4"):
        services.grades_propose(actor=world.secretary, evaluation=evaluation, comments={},
                                grades={graded[0].pk: "excellent", graded[1].pk: "excellent"})
