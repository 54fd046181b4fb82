"""Every write service of the evaluation app checks its actor itself, whoever calls it (a page, an API, a job): an
actor without standing (a stranger; the sibling branch's secretary) is refused, and nothing is written."""

from __future__ import annotations

from chuxin.evaluation import services
from chuxin.testing import not_refused, service_functions


def test_every_write_service_refuses_an_actor_without_standing(branch):
    world, today = branch.world, branch.today
    evaluation = branch.open(year=today.year - 1)
    grading = branch.to_grading()
    tried = {
        "evaluation_open": lambda a: services.evaluation_open(
            actor=a, organization=world.b1, year=today.year - 2, self_assessment_due=today, grading_due=today),
        "self_assessment_write": lambda a: services.self_assessment_write(actor=a, evaluation=evaluation, text="自评"),
        "ballot_cast": lambda a: services.ballot_cast(actor=a, evaluation=grading, grades={}),
        "evaluation_advance": lambda a: services.evaluation_advance(actor=a, evaluation=evaluation,
                                                                    step="start_grading"),
        "grades_propose": lambda a: services.grades_propose(actor=a, evaluation=evaluation, grades={}, comments={}),
        "evaluation_conclude": lambda a: services.evaluation_conclude(actor=a, evaluation=evaluation, grades={},
                                                                      meeting_on=today),
        "talk_record": lambda a: services.talk_record(
            actor=a, organization=world.b1, talker=branch.member("陈一"), member=branch.member("周二"),
            held_on=today, kind="routine"),
    }
    assert set(tried) == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider) == []
