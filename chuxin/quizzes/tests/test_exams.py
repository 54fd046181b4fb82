"""Exams as a member takes them and an organizer reads them: the server's deadline, a replayed submit, attempts,
answers kept out of every page until the paper is handed in, results and item analysis."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from chuxin.quizzes import services
from chuxin.quizzes.models import Answer, Attempt, Exam
from chuxin.records.models import WorkRecord

from .conftest import SECRET, exam_of


def _start(client, exam) -> Attempt:
    response = client.post(reverse("quizzes:exam-start", args=[exam.pk]))
    assert response.status_code == 302
    return Attempt.objects.get(exam=exam, number=Attempt.objects.filter(exam=exam).count())


def test_the_paper_holds_no_answer_until_it_is_handed_in(world, exam, client_for):
    member = client_for(world.member_user)
    assert exam.title in member.get(reverse("quizzes:exam", args=[exam.pk])).content.decode()
    attempt = _start(member, exam)
    pages = [member.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode(),
             member.get(reverse("quizzes:exam", args=[exam.pk])).content.decode()]
    for version in attempt.versions:
        pages.append(member.post(reverse("quizzes:attempt-save", args=[attempt.pk, version]),
                                 {f"q{version}": "1"}, HTTP_HX_REQUEST="true").content.decode())
    for page in pages:
        assert "解析说明" not in page and "Right answer" not in page
        # The right option's wording is on the paper as an option, never marked as the answer.
        assert "✓" not in page
    member.post(reverse("quizzes:attempt-submit", args=[attempt.pk]))
    result = member.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "Right answer" in result and "解析说明" in result and SECRET in result


def test_answers_saved_in_time_count_and_late_ones_do_not(world, exam, client_for):
    member = client_for(world.member_user)
    attempt = _start(member, exam)
    first, second = attempt.versions[:2]
    member.post(reverse("quizzes:attempt-save", args=[attempt.pk, first]), {f"q{first}": "0"})
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    late = member.post(reverse("quizzes:attempt-save", args=[attempt.pk, second]), {f"q{second}": "0"},
                       HTTP_HX_REQUEST="true")
    assert late.status_code == 409 and "The time is up" in late.content.decode()
    # The late submit carries answers to every question: only the one saved in time counts.
    member.post(reverse("quizzes:attempt-submit", args=[attempt.pk]), {f"q{v}": "0" for v in attempt.versions})
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.auto_submitted
    assert (attempt.score, attempt.total) == (1, 4)
    assert not attempt.passed
    assert Answer.objects.filter(attempt=attempt).count() == 1


def test_a_paper_whose_time_ran_out_is_handed_in_when_anyone_looks(world, exam, client_for):
    member = client_for(world.member_user)
    attempt = _start(member, exam)
    version = attempt.versions[0]
    member.post(reverse("quizzes:attempt-save", args=[attempt.pk, version]), {f"q{version}": "0"})
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    assert services.attempts_expire() == 1
    attempt.refresh_from_db()
    assert attempt.auto_submitted and attempt.score == 1
    assert WorkRecord.objects.filter(kind="quiz.exam_taken").count() == 1


def test_a_replayed_submit_gives_no_second_score(world, exam, client_for):
    member = client_for(world.member_user)
    attempt = _start(member, exam)
    data = {f"q{v}": "0" for v in attempt.versions}
    member.post(reverse("quizzes:attempt-submit", args=[attempt.pk]), data)
    attempt.refresh_from_db()
    submitted, score = attempt.submitted_at, attempt.score
    again = member.post(reverse("quizzes:attempt-submit", args=[attempt.pk]), {f"q{v}": "1" for v in attempt.versions},
                        follow=True)
    assert "already handed in" in again.content.decode()
    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.score) == (submitted, score) == (submitted, 4)
    assert WorkRecord.objects.filter(kind="quiz.exam_taken").count() == 1
    assert WorkRecord.objects.filter(kind="quiz.exam_passed").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database that runs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_score_once(world, questions):
    exam = exam_of(world, questions)
    attempt = services.attempt_start(user=world.member_user, exam=exam)
    results, barrier = [], threading.Barrier(2)

    def submit():
        try:
            barrier.wait()
            results.append(services.attempt_submit(user=world.member_user, attempt=attempt,
                                                   responses={v: ["0"] for v in attempt.versions})[1])
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert WorkRecord.objects.filter(kind="quiz.exam_taken").count() == 1


def test_attempts_are_limited_and_a_pass_ends_them(world, questions, client_for):
    exam = exam_of(world, questions, max_attempts=2)
    member = client_for(world.member_user)
    attempt = _start(member, exam)
    member.post(reverse("quizzes:attempt-submit", args=[attempt.pk]), {f"q{v}": "1" for v in attempt.versions})
    second = _start(member, exam)
    assert second.number == 2
    member.post(reverse("quizzes:attempt-submit", args=[second.pk]), {f"q{v}": "1" for v in second.versions})
    page = member.post(reverse("quizzes:exam-start", args=[exam.pk]), follow=True).content.decode()
    assert "used all your attempts" in page
    assert Attempt.objects.filter(exam=exam).count() == 2


def test_a_random_paper_draws_the_counts_by_type_and_topic(world, questions):
    exam = services.exam_save(actor=None, organization=world.b1, fields={
        "title": "随机卷", "mode": "random", "opens_at": timezone.now() - datetime.timedelta(hours=1),
        "closes_at": timezone.now() + datetime.timedelta(hours=5), "time_limit": 10, "pass_mark": 60,
        "max_attempts": 1, "draw": {"topics": ["党章", "学时"], "single": 3, "fill": 1, "true_false": 1}},
        audience_orgs=[world.b1])
    services.exam_publish(actor=None, exam=exam)
    attempt = services.attempt_start(user=world.member_user, exam=exam)
    kinds = sorted(Answer._meta.get_field("version").related_model.objects.filter(pk__in=attempt.versions)
                   .values_list("question__kind", flat=True))
    assert kinds == ["fill", "single", "single", "single"]  # no true/false question in those topics


def test_an_edit_makes_a_new_version_and_old_answers_keep_theirs(world, exam, client_for):
    member = client_for(world.member_user)
    attempt = _start(member, exam)
    member.post(reverse("quizzes:attempt-submit", args=[attempt.pk]), {f"q{v}": "0" for v in attempt.versions})
    question = exam.questions.order_by("pk").first()
    secretary = client_for(world.worker)
    response = secretary.post(reverse("quizzes:question-edit", args=[question.pk]), {
        "topic": "党章", "text": "改过的题目", "options": "甲\n乙", "answer": "B", "explanation": "", "source": "",
        "difficulty": "2", "active": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    question.refresh_from_db()
    assert question.current.number == 2 and question.current.text == "改过的题目"
    result = client_for(world.member_user).get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "改过的题目" not in result and "第0题" in result
    attempt.refresh_from_db()
    assert attempt.score == 4


def test_the_organizer_sees_results_and_item_analysis_and_no_ranking(world, exam, client_for):
    member = client_for(world.member_user)
    attempt = _start(member, exam)
    member.post(reverse("quizzes:attempt-submit", args=[attempt.pk]),
                {f"q{v}": ("0" if i < 3 else "1") for i, v in enumerate(attempt.versions)})
    page = client_for(world.secretary).get(reverse("quizzes:exam", args=[exam.pk])).content.decode()
    assert "李四" in page and "3/4" in page and "0 of 1 right (0%)" in page
    # The organizer reads, never takes, the member's paper.
    assert client_for(world.secretary).get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 403
    assert client_for(world.outsider).get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 404


def test_an_exam_of_another_subtree_is_not_found(world, exam, client_for):
    outsider = client_for(world.outsider)
    assert outsider.get(reverse("quizzes:exam", args=[exam.pk])).status_code == 404
    assert outsider.post(reverse("quizzes:exam-start", args=[exam.pk])).status_code == 404
    assert not Attempt.objects.exists()


def test_the_exam_form_refuses_a_closing_before_the_opening(world, questions, client_for):
    worker = client_for(world.worker)
    page = worker.get(reverse("quizzes:exam-create")).content.decode()
    assert "exam-form" in page
    response = worker.post(reverse("quizzes:exam-create"), {
        "organization": world.b1.pk, "title": "<img src=x onerror=alert(1)>", "mode": "fixed",
        "questions": [questions[0].pk], "opens_at": "2026-05-02T10:00", "closes_at": "2026-05-01T10:00",
        "time_limit": 30, "pass_mark": 60, "max_attempts": 1, "audience_orgs": [world.b1.pk],
        "single": 0, "multiple": 0, "true_false": 0, "fill": 0})
    assert response.status_code == 200
    assert "The exam must close after it opens." in response.content.decode()
    assert not Exam.objects.exists()
    response = worker.post(reverse("quizzes:exam-create"), {
        "organization": world.b1.pk, "title": "<img src=x onerror=alert(1)>", "mode": "fixed",
        "questions": [questions[0].pk], "opens_at": "2026-05-01T10:00", "closes_at": "2026-05-02T10:00",
        "time_limit": 30, "pass_mark": 60, "max_attempts": 1, "audience_orgs": [world.b1.pk],
        "single": 0, "multiple": 0, "true_false": 0, "fill": 0})
    assert response.status_code == 302
    page = worker.get(response.url).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_the_workbench_lists_an_open_exam_until_it_is_passed(world, exam, client_for):
    from chuxin.quizzes.selectors import workbench_items

    assert [i.title for i in workbench_items(world.member_user)] == [exam.title]
    assert workbench_items(world.b2_member.user) == [] if world.b2_member.user else True
    attempt = services.attempt_start(user=world.member_user, exam=exam)
    services.attempt_submit(user=world.member_user, attempt=attempt, responses={v: ["0"] for v in attempt.versions})
    assert workbench_items(world.member_user) == []


def test_a_reminder_before_the_exam_closes(world, questions):
    from chuxin.quizzes.reminders import due_reminders

    exam = exam_of(world, questions, closes_at=timezone.now() + datetime.timedelta(hours=3))
    found = due_reminders(timezone.localdate())
    assert [(r.recipient, r.target) for r in found] == [(world.member_user, exam)]
