"""Quizzes walked in Chromium: a member takes the daily practice on a 390 px phone, question by question, each answer
revealing the right one only after it is given; then an exam whose time runs out while the member is on it: the page
counts down and hands the paper in by itself, and the answer saved in time is scored. The secretary reads the
result and the item analysis on a desktop."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chuxin.quizzes import services
from chuxin.quizzes.models import Attempt

from .conftest import PHONE_390

pytestmark = pytest.mark.e2e
EXPLANATION = "依据：党章第十条"


@pytest.fixture
def bank(world):
    made = []
    for i in range(4):
        made.append(services.question_create(
            actor=None, organization=world.pc, kind="single", topic="党章", text=f"第{i + 1}题：党的最高领导机关是？",
            options=["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处"], answer=[0],
            explanation=EXPLANATION))
    made.append(services.question_create(
        actor=None, organization=world.pc, kind="true_false", topic="组织生活", text="支部党员大会一般每季度召开一次。",
        options=[], answer=["true"], explanation="《中国共产党支部工作条例（试行）》第十一条"))
    made.append(services.question_create(
        actor=None, organization=world.pc, kind="fill", topic="学时", text="党员每年集中学习培训一般不少于____学时。",
        options=[], answer=["32"], explanation="《中国共产党党员教育管理工作条例》第二十条"))
    return made


def test_a_member_practises_on_a_phone_and_an_exam_hands_itself_in(world, bank, open_page, page, login):
    phone = open_page(**PHONE_390)
    login(phone, "member")
    phone.goto("/quizzes/")
    phone.get_by_test_id("daily").click()
    questions = phone.get_by_test_id("question")
    expect(questions).to_have_count(5)
    assert EXPLANATION not in phone.content()
    for index in range(5):
        card = questions.nth(index)
        choice = card.locator("input[type=radio]")
        if choice.count():
            card.locator("label.cx-choice").first.click()
        else:
            card.locator("input[name=response]").fill("32")
        card.get_by_test_id("answer").click()
        expect(questions.nth(index).get_by_test_id("reveal")).to_be_visible()
    # A reload shows the same five questions, all answered.
    phone.reload()
    expect(phone.get_by_test_id("reveal")).to_have_count(5)

    # An exam that closes in a few seconds: the member's clock is capped by it.
    now = timezone.now()
    exam = services.exam_save(actor=None, organization=world.b1, fields={
        "title": "党章知识小测", "mode": "fixed", "opens_at": now - datetime.timedelta(minutes=5),
        "closes_at": now + datetime.timedelta(seconds=25), "time_limit": 10, "pass_mark": 60, "max_attempts": 1,
        "draw": {}}, questions=bank[:3], audience_orgs=[world.b1])
    services.exam_publish(actor=None, exam=exam)
    phone.goto(f"/quizzes/exams/{exam.pk}/")
    phone.get_by_test_id("start-exam").click()
    expect(phone.get_by_test_id("paper")).to_be_visible()
    assert EXPLANATION not in phone.content()
    # htmx listens for the change once the page has loaded: a choice made before that is never saved (the
    # full run on a busy machine once clicked first).
    phone.wait_for_load_state("load")
    phone.locator("[data-testid=paper] label.cx-choice").first.click()
    expect(phone.locator("[id^=saved-]").first).not_to_be_empty()
    # Nobody clicks "hand in": the countdown does it when the time runs out.
    expect(phone.get_by_test_id("score")).to_be_visible(timeout=40_000)
    attempt = Attempt.objects.get(exam=exam)
    assert attempt.auto_submitted and (attempt.score, attempt.total) == (1, 3)
    assert EXPLANATION in phone.content()

    # The secretary reads the result and the item analysis on a desktop: names, not a ranking.
    login(page, "secretary")
    page.goto(f"/quizzes/exams/{exam.pk}/")
    expect(page.get_by_test_id("results")).to_contain_text("李四")
    expect(page.get_by_test_id("analysis")).to_contain_text("第1题")


def test_an_answer_saved_after_the_time_is_up_says_so_where_it_was_chosen(world, bank, open_page, login):
    """The server refuses a late answer with 409 and a sentence; the page shows that sentence beside the question
    instead of leaving the member to believe it was saved (htmx leaves 4xx answers unshown unless told)."""
    now = timezone.now()
    exam = services.exam_save(actor=None, organization=world.b1, fields={
        "title": "迟到的答案", "mode": "fixed", "opens_at": now - datetime.timedelta(minutes=5),
        "closes_at": now + datetime.timedelta(days=1), "time_limit": 30, "pass_mark": 60, "max_attempts": 1,
        "draw": {}}, questions=bank[:2], audience_orgs=[world.b1])
    services.exam_publish(actor=None, exam=exam)
    phone = open_page(**PHONE_390)
    login(phone, "member")
    phone.goto(f"/quizzes/exams/{exam.pk}/")
    phone.get_by_test_id("start-exam").click()
    expect(phone.get_by_test_id("paper")).to_be_visible()
    # The time runs out on the server while the page still counts down (a clock that drifted, a phone asleep).
    Attempt.objects.filter(exam=exam).update(deadline=timezone.now() - datetime.timedelta(seconds=1))
    phone.locator("[data-testid=paper] label.cx-choice").first.click()
    expect(phone.locator("[id^=saved-]").first).to_contain_text("时间已到")
