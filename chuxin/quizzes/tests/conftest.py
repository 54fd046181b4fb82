"""A small bank on PC (it flows down to B1, B2 and G1), and an exam of B1 for B1's members."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from chuxin.quizzes import services
from chuxin.quizzes.models import Exam

SECRET = "正确答案甲"  # the right option's wording: never on a page before the answer


def bank(world, n: int = 6):
    made = []
    for i in range(n):
        made.append(services.question_create(
            actor=None, organization=world.pc, kind="single", topic="党章", text=f"第{i}题：党的最高领导机关是？",
            options=[f"{SECRET}{i}", "中央政治局", "中央书记处"], answer=[0], explanation=f"解析说明{i}",
            source="《中国共产党章程》第十条"))
    made.append(services.question_create(
        actor=None, organization=world.pc, kind="true_false", topic="组织生活", text="支部党员大会一般每季度召开一次。",
        options=[], answer=["true"], explanation="《中国共产党支部工作条例（试行）》第十一条"))
    made.append(services.question_create(
        actor=None, organization=world.pc, kind="fill", topic="学时", text="党员每年集中学习培训时间一般不少于____学时。",
        options=[], answer=["32", "三十二"], explanation="条例第二十条"))
    return made


@pytest.fixture
def questions(world):
    return bank(world)


def exam_of(world, questions, **extra) -> Exam:
    now = timezone.now()
    fields = {"title": extra.pop("title", "党章知识测试"), "instructions": "", "mode": "fixed",
              "opens_at": now - datetime.timedelta(hours=1), "closes_at": now + datetime.timedelta(days=2),
              "time_limit": 20, "pass_mark": 60, "max_attempts": extra.pop("max_attempts", 2), "draw": {}}
    fields.update(extra)
    exam = services.exam_save(actor=None, organization=world.b1, fields=fields, questions=questions[:4],
                              audience_orgs=[world.b1])
    return services.exam_publish(actor=None, exam=exam)


@pytest.fixture
def exam(world, questions):
    return exam_of(world, questions)


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings."""
