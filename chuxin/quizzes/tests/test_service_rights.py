"""Every write service of the quizzes app checks its actor (or person) itself, whoever calls it: a stranger and the
sibling branch's secretary are refused, and nothing is written."""

from __future__ import annotations

from chuxin.quizzes import services
from chuxin.quizzes.models import PointRule
from chuxin.testing import not_refused, service_functions

from .conftest import exam_of

# Public functions that act for the caller alone (their own practice, their own wrong-answer book) or are the
# house's housekeeping (papers whose time ran out), and so take no actor to refuse.
PERSONAL = {"daily_practice", "challenge_start", "wrong_review", "attempts_expire", "attempts_expire_for"}


def test_every_write_service_refuses_an_actor_without_standing(world, questions):
    exam = exam_of(world, questions)
    session = services.challenge_start(user=world.member_user)
    attempt = services.attempt_start(user=world.member_user, exam=exam)
    rule = PointRule.objects.create(organization=world.b1, organization_path=world.b1.path, kind="quiz.exam_passed")
    question = questions[0]
    fields = {"title": "改", "mode": "fixed", "opens_at": exam.opens_at, "closes_at": exam.closes_at,
              "time_limit": 10, "pass_mark": 60, "max_attempts": 1, "draw": {}}
    tried = {
        "question_create": lambda a: services.question_create(actor=a, organization=world.b1, kind="true_false",
                                                              topic="t", text="题", options=[], answer=["true"]),
        "question_edit": lambda a: services.question_edit(actor=a, question=question, topic="t", text="改",
                                                          options=["甲", "乙"], answer=[0]),
        "practice_answer": lambda a: services.practice_answer(user=a, session=session,
                                                              version_id=session.versions[0], raw=["0"]),
        "exam_save": lambda a: services.exam_save(actor=a, organization=world.b1, exam=exam, fields=fields,
                                                  questions=questions[:1], audience_orgs=[world.b1]),
        "exam_publish": lambda a: services.exam_publish(actor=a, exam=exam),
        "attempt_start": lambda a: services.attempt_start(user=a, exam=exam),
        "attempt_save": lambda a: services.attempt_save(user=a, attempt=attempt, version_id=attempt.versions[0],
                                                        raw=["0"]),
        "attempt_submit": lambda a: services.attempt_submit(user=a, attempt=attempt),
        "point_rule_save": lambda a: services.point_rule_save(actor=a, organization=world.b1, kind="meeting_held",
                                                              points=1, daily_cap=None, weekly_cap=None,
                                                              once_only=False),
        "point_rule_delete": lambda a: services.point_rule_delete(actor=a, rule=rule),
    }
    assert set(tried) | PERSONAL == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider) == []
