"""The quizzes app's URLs for the role matrix (chuxin/portal/tests/test_role_matrix.py).

At each target organization (B1, B2, X2): a question of its bank, an exam it organizes for itself (published, open)
and a paper of that exam taken by the superuser, a point rule. Practice answers belong to the person's own session:
anyone else's (or none) is not found. Only a member file in the exam's audience starts a paper; an organizer reads
papers on the exam's page and is refused the paper itself (403), the only person who opens it is its taker.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from chuxin.testing import FORBIDDEN, NOT_FOUND, A, M, P, anywhere, get_and_post, login_only, obj


def _question(env, where: str):
    from chuxin.quizzes.models import Question, QuestionVersion

    def make():
        org = env.org(where)
        question = Question.objects.create(organization=org, organization_path=org.path, kind="single", topic="党章")
        question.current = QuestionVersion.objects.create(question=question, text="题目", options=["甲", "乙"],
                                                          answer=[0])
        question.save()
        return question

    return env.once(("question", where), make)


def _exam(env, where: str):
    from chuxin.quizzes.models import Exam

    def make():
        org = env.org(where)
        now = timezone.now()
        exam = Exam.objects.create(organization=org, organization_path=org.path, title=f"考试-{where}",
                                   opens_at=now - datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=1),
                                   status="published", max_attempts=10)
        exam.questions.set([_question(env, where)])
        exam.audience_orgs.set([org])
        return exam

    return env.once(("exam", where), make)


def _attempt(env, where: str):
    from chuxin.quizzes.models import Attempt

    def make():
        exam = _exam(env, where)
        now = timezone.now()
        return Attempt.objects.create(exam=exam, user=env.users["superuser"], versions=[_question(env, where).current_id],
                                      started_at=now, deadline=now + datetime.timedelta(hours=2), total=1)

    return env.once(("attempt", where), make)


def _rule(env, where: str):
    from chuxin.quizzes.models import PointRule

    org = env.org(where)  # fresh each time: a successful removal deletes it
    rule, _created = PointRule.objects.get_or_create(organization=org, kind="quiz.exam_passed",
                                                     defaults={"organization_path": org.path, "points": 1})
    return rule


# In scope without a member file in the exam's audience: refused the start (only the member of B1 has one).
NOT_IN_AUDIENCE = {("committee", "B1"): FORBIDDEN, ("secretary", "B1"): FORBIDDEN, ("outsider", "B2"): FORBIDDEN,
                   ("viewer", "B1"): FORBIDDEN, ("worker", "B1"): FORBIDDEN, ("superuser", "X2"): FORBIDDEN}
# A paper: its taker (the superuser) opens it; the organizers with READ are refused; the member (PUBLIC) is not told.
PAPER = {("worker", "B1"): FORBIDDEN, ("member", "B1"): NOT_FOUND}


def routes() -> dict:
    def question(env, where):
        return {"pk": _question(env, where).pk}, {}

    def exam(env, where):
        return {"pk": _exam(env, where).pk}, {}

    def attempt(env, where):
        return {"pk": _attempt(env, where).pk}, {}

    def attempt_version(env, where):
        return {"pk": _attempt(env, where).pk, "version": _question(env, where).current_id}, {}

    def rule(env, where):
        return {"pk": _rule(env, where).pk}, {}

    def org_query(env, where):
        return {}, {"organization": env.org(where).pk}

    def no_such_version(env, where):
        return {"version": 2**31}, {}

    def no_such_session(env, where):
        return {"pk": 2**31, "version": 2**31}, {}

    def no_such_question(env, where):
        return {"pk": 2**31}, {}

    return {
        "quizzes:home": [anywhere("get", P)],
        "quizzes:daily": [anywhere("get", P)],
        "quizzes:daily-answer": [login_only("post", no_such_version, logged_in_outcome=NOT_FOUND)],
        "quizzes:challenge": [anywhere("get", P)],
        "quizzes:challenge-start": [anywhere("post", P)],
        "quizzes:challenge-answer": [login_only("post", no_such_session, logged_in_outcome=NOT_FOUND)],
        "quizzes:wrong-book": [anywhere("get", P)],
        "quizzes:wrong-review": [login_only("post", no_such_question, logged_in_outcome=NOT_FOUND)],
        "quizzes:bank": [anywhere("get", M)],
        "quizzes:question-create": get_and_post(anywhere("get", M)),
        "quizzes:question-edit": get_and_post(obj("get", M, question)),
        "quizzes:import": get_and_post(anywhere("get", M)),
        "quizzes:import-template": [anywhere("get", M)],
        "quizzes:exams": [anywhere("get", P)],
        "quizzes:exam-create": get_and_post(anywhere("get", M)),
        "quizzes:exam": [obj("get", P, exam)],
        "quizzes:exam-edit": get_and_post(obj("get", M, exam)),
        "quizzes:exam-publish": [obj("post", M, exam)],
        "quizzes:exam-start": [obj("post", P, exam, special=NOT_IN_AUDIENCE)],
        "quizzes:attempt": [obj("get", A, attempt, special=PAPER)],
        "quizzes:attempt-save": [obj("post", A, attempt_version, special=PAPER)],
        "quizzes:attempt-submit": [obj("post", A, attempt, special=PAPER)],
        "quizzes:points": [anywhere("get", P)],
        "quizzes:point-settings": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "quizzes:point-rule-delete": [obj("post", M, rule)],
        "quizzes:ranking": [anywhere("get", P), obj("get", P, org_query)],
    }
