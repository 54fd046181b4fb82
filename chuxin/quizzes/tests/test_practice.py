"""Daily practice, challenge and the wrong-answer book as a member uses them; answers never shown before answering."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from chuxin.quizzes import services
from chuxin.quizzes.models import Answer, PracticeSession, QuestionVersion, WrongAnswer
from chuxin.records.models import WorkRecord

from .conftest import SECRET

ANY = ["0", "true", "32"]  # a response every kind of question takes


def _drawn(response) -> list[str]:
    return re.findall(r'id="q-\d+"', response.content.decode())


def test_the_daily_draw_is_the_same_however_often_the_page_is_reloaded(world, questions, client_for):
    member = client_for(world.member_user)
    first = member.get(reverse("quizzes:daily"))
    assert first.status_code == 200
    again = member.get(reverse("quizzes:daily"))
    session = PracticeSession.objects.get(user=world.member_user)
    assert len(session.versions) == 5  # the default number of the rule quiz_daily_questions
    assert _drawn(first) == _drawn(again) == [f'id="q-{v}"' for v in session.versions]
    # Drawn from the seed of person and day: a lost row draws the same again.
    session.delete()
    member.get(reverse("quizzes:daily"))
    assert PracticeSession.objects.get(user=world.member_user).versions == session.versions


def test_no_answer_or_explanation_reaches_the_page_before_answering(world, questions, client_for):
    member = client_for(world.member_user)
    page = member.get(reverse("quizzes:daily")).content.decode()
    assert "解析说明" not in page and "Right answer" not in page and SECRET not in page.replace(
        f'<b>A.</b> {SECRET}', "")
    session = PracticeSession.objects.get(user=world.member_user)
    version = session.versions[0]
    fragment = member.post(reverse("quizzes:daily-answer", args=[version]), {"response": ANY},
                           HTTP_HX_REQUEST="true").content.decode()
    assert "Right answer" in fragment and "data-testid=\"result\"" in fragment
    # The page now shows that one question's answer, and still not the others'.
    page = member.get(reverse("quizzes:daily")).content.decode()
    assert page.count("Right answer") == 1


def test_a_replayed_answer_counts_once_and_the_last_finishes_with_one_record(world, questions, client_for):
    member = client_for(world.member_user)
    member.get(reverse("quizzes:daily"))
    session = PracticeSession.objects.get(user=world.member_user)
    for version in session.versions:
        for _twice in range(2):
            member.post(reverse("quizzes:daily-answer", args=[version]), {"response": ANY})
    session.refresh_from_db()
    assert session.answered == len(session.versions) == Answer.objects.filter(session=session).count()
    assert session.finished_at is not None
    assert WorkRecord.objects.filter(kind="quiz.practice_done").count() == 1


def test_an_empty_answer_is_refused_with_a_message_and_nothing_saved(world, questions, client_for):
    member = client_for(world.member_user)
    member.get(reverse("quizzes:daily"))
    version = PracticeSession.objects.get(user=world.member_user).versions[0]
    response = member.post(reverse("quizzes:daily-answer", args=[version]), {}, HTTP_HX_REQUEST="true")
    assert "Choose or write an answer first." in response.content.decode()
    assert not Answer.objects.exists()


def test_a_question_of_another_day_or_person_is_not_answerable(world, questions, client_for):
    member = client_for(world.member_user)
    member.get(reverse("quizzes:daily"))
    other = max(q.current_id for q in questions) + 999
    assert member.post(reverse("quizzes:daily-answer", args=[other]), {"response": ANY}).status_code == 404
    yesterday = services.daily_practice(user=world.secretary, day=timezone.localdate() - datetime.timedelta(days=1))
    stray = next(v for v in yesterday.versions)
    if stray not in PracticeSession.objects.get(user=world.member_user).versions:
        assert member.post(reverse("quizzes:daily-answer", args=[stray]), {"response": ANY}).status_code == 404


def test_a_challenge_ends_at_the_first_wrong_answer_and_the_book_keeps_it(world, questions, client_for):
    member = client_for(world.member_user)
    member.post(reverse("quizzes:challenge-start"))
    session = PracticeSession.objects.get(user=world.member_user, kind="challenge")
    first, second = session.versions[:2]
    # The first question's own right answer (the draw is random: a blank's "32" is not a choice's "0").
    right = [str(x) for x in QuestionVersion.objects.get(pk=first).answer[:1]]
    member.post(reverse("quizzes:challenge-answer", args=[session.pk, first]), {"response": right})
    page = member.get(reverse("quizzes:challenge")).content.decode()
    assert "1 right in a row" in page
    member.post(reverse("quizzes:challenge-answer", args=[session.pk, second]), {"response": ["2"]})
    session.refresh_from_db()
    # A single choice's "2" is wrong for every question of the bank (true/false and fill ignore it: no answer).
    if session.answered == 2:
        assert session.finished_at is not None
        wrong = WrongAnswer.objects.get(user=world.member_user)
        book = member.get(reverse("quizzes:wrong-book")).content.decode()
        assert "Right answer" not in book
        right = ["0"] if wrong.question.kind == "single" else wrong.question.current.answer
        fragment = member.post(reverse("quizzes:wrong-review", args=[wrong.question_id]), {"response": right},
                               HTTP_HX_REQUEST="true").content.decode()
        assert "leaves your wrong-answer book" in fragment
        assert not WrongAnswer.objects.exists()


def test_hostile_text_in_a_question_is_shown_as_text(world, client_for):
    services.question_create(actor=None, organization=world.pc, kind="true_false", topic="<b>t</b>",
                             text="<script>alert(1)</script>党章是党的根本大法。", options=[], answer=["true"])
    page = client_for(world.member_user).get(reverse("quizzes:daily")).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_an_answer_and_its_replay_cost_a_few_queries_and_no_navigation(world, questions, client_for,
                                                                      django_assert_max_num_queries):
    """500 members answer at once (bench/quizzes.py): the htmx answer reads no rights for a navigation it does
    not show and does not read the practice again after saving it."""
    member = client_for(world.member_user)
    member.get(reverse("quizzes:daily"))
    version = PracticeSession.objects.get(user=world.member_user).versions[0]
    url = reverse("quizzes:daily-answer", args=[version])
    # session, user, today's practice, the question; then, in one transaction, the locked practice, the answer
    # already given (none), the new answer, the practice's counts, the wrong-answer book: 11 with the transaction
    # when the answer is right (13 before: the answer was looked for before the lock and made in a savepoint). ANY
    # is wrong for some questions, and which question comes first depends on the person's id and the day (the
    # draw's seed): a wrong answer adds its entry to the wrong-answer book in a savepoint of its own (3 more).
    with django_assert_max_num_queries(14):
        first = member.post(url, {"response": ANY}, HTTP_HX_REQUEST="true")
    # A replay (a double tap) finds the answer under the practice's lock and changes nothing: the same reads, no
    # write (a replay is rare; the answer that is not one saves the look before the lock).
    with django_assert_max_num_queries(8):
        again = member.post(url, {"response": ANY}, HTTP_HX_REQUEST="true")
    assert 'data-testid="result"' in first.content.decode() and 'data-testid="result"' in again.content.decode()
    assert PracticeSession.objects.get(user=world.member_user).answered == 1


def test_a_days_practice_is_found_whatever_other_days_exist(world, questions):
    """practice_today reads the person's latest daily practice; another day's, before or after, is not today's."""
    from chuxin.quizzes import selectors

    today, day = timezone.localdate(), datetime.timedelta(days=1)
    user = world.member_user
    assert selectors.practice_today(user, today) is None
    yesterday = services.daily_practice(user=user, day=today - day)
    assert selectors.practice_today(user, today) is None
    assert selectors.practice_today(user, today - day) == yesterday
    tomorrow = services.daily_practice(user=user, day=today + day)  # a clock ahead elsewhere, or a test's
    assert selectors.practice_today(user, today) is None
    todays = services.daily_practice(user=user, day=today)
    assert selectors.practice_today(user, today) == todays != tomorrow
    assert selectors.practice_today(user, today + day) == tomorrow
    assert selectors.practice_today(world.secretary, today) is None  # nobody else's
