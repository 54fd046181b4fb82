"""Demo quizzes for the demo unit: the bank of chuxin/quizzes/demo_bank.py (over 100 questions on the
constitution, organizational life, dues, recruitment and study hours) owned by the grassroots committee HX-PC so it
flows down to every branch; an open exam of HX-B01 for its members (a mixed paper: five fixed questions and a draw
by type), taken once by member1; points switched on in HX-B01 with three rules (meetings attended, a daily practice, an exam passed once).
Idempotent: nothing is made when HX-PC already has questions."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from chuxin.members.models import Member
from chuxin.orgs.models import Organization
from chuxin.orgs.services import rule_set

from . import services
from .demo_bank import QUESTIONS
from .models import Exam, Question, QuestionVersion


def seed_demo_data(*, today: datetime.date) -> None:
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["HX-PC", "HX-B01"])}
    if len(orgs) < 2 or Question.objects.filter(organization=orgs["HX-PC"]).exists():
        return
    committee, branch = orgs["HX-PC"], orgs["HX-B01"]
    with transaction.atomic():
        made = [services.question_create(actor=None, organization=committee, kind=kind, topic=topic, text=text,
                                         options=options, answer=answer, explanation=explanation, source=source,
                                         difficulty=difficulty)
                for kind, topic, text, options, answer, explanation, source, difficulty in QUESTIONS]
        now = timezone.now()
        exam = services.exam_save(actor=None, organization=branch, fields={
            "title": "党章党规知识测试", "instructions": "共15题，限时20分钟，60分及格，可考2次。答案随选随存，时间到自动交卷。",
            "mode": Exam.Mode.MIXED, "opens_at": now - datetime.timedelta(days=1),
            "closes_at": now + datetime.timedelta(days=10), "time_limit": 20, "pass_mark": 60, "max_attempts": 2,
            "draw": {"topics": ["党章", "组织生活", "党费", "发展党员"], "single": 4, "multiple": 2, "true_false": 3,
                     "fill": 1}}, questions=made[:5], audience_orgs=[branch])
        services.exam_publish(actor=None, exam=exam)
        rule_set(actor=None, organization=branch, code="points_enabled", value=True,
                 reason="支部党员大会讨论决定试行学习积分，不排名、不考核")
        for kind, points, daily, weekly, once in (("meeting_held", 2, 4, None, False),
                                                  ("quiz.practice_done", 1, 1, 5, False),
                                                  ("quiz.exam_passed", 5, None, None, True)):
            services.point_rule_save(actor=None, organization=branch, kind=kind, points=points, daily_cap=daily,
                                     weekly_cap=weekly, once_only=once)
        # member1 of HX-B01 has taken the exam once (most answers right): its result and item analysis are shown.
        taker = Member.objects.filter(organization=branch, user__username="member1").select_related("user").first()
        if taker is not None:
            attempt = services.attempt_start(user=taker.user, exam=exam)
            answers = {v.pk: [str(a) for a in v.answer] for v in QuestionVersion.objects.filter(pk__in=attempt.versions)}
            for wrong in list(answers)[:3]:
                answers[wrong] = ["__"]
            services.attempt_submit(user=taker.user, attempt=attempt, responses=answers)
        # One member of HX-B01 has done today's practice (points count from the day they are switched on).
        member = Member.objects.filter(organization=branch, user__isnull=False).order_by("pk").first()
        if member is not None:
            session = services.daily_practice(user=member.user, day=today)
            for version in QuestionVersion.objects.filter(pk__in=session.versions if session else []):
                raw = [str(a) for a in version.answer]
                services.practice_answer(user=member.user, session=session, version_id=version.pk, raw=raw)
