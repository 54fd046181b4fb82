"""A training class's final exam: an exam of the class's organization, taken by its roster (also people added
later), with each person's result on the class's page."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from chuxin.learning import services
from chuxin.quizzes import services as quiz_services
from chuxin.quizzes.models import Exam
from chuxin.quizzes.tests.conftest import bank, exam_of
from chuxin.testing import make_member


def test_the_roster_takes_the_final_exam_and_its_results_show_on_the_class(world, client_for):
    exam = exam_of(world, bank(world))
    today = timezone.localdate()
    cls = services.class_create(actor=world.secretary, organization=world.b1, kind="candidates", title="发展对象培训班",
                                starts_on=today, ends_on=today + datetime.timedelta(days=2))
    services.class_enroll(actor=world.secretary, training_class=cls, members=[world.member])
    client = client_for(world.secretary)
    client.post(reverse("learning:class-exam", args=[cls.pk]), {"exam": exam.pk})
    later = make_member(world.b1, "晚来者")
    services.class_enroll(actor=world.secretary, training_class=cls, members=[later])
    assert set(Exam.objects.get(pk=exam.pk).audience_members.all()) == {world.member, later}

    page = client.get(cls.get_absolute_url()).content.decode()
    assert "党章知识测试" in page and page.count("尚未参加考试") == 2

    attempt = quiz_services.attempt_start(user=world.member_user, exam=exam)
    quiz_services.attempt_submit(user=world.member_user, attempt=attempt, responses={})
    page = client.get(cls.get_absolute_url()).content.decode()
    assert page.count("尚未参加考试") == 1 and "未通过 0/4" in page


def test_only_an_exam_of_the_class_organization_and_only_by_its_managers(world, client_for):
    other = exam_of(world, bank(world))
    Exam.objects.filter(pk=other.pk).update(organization=world.b2, organization_path=world.b2.path)
    today = timezone.localdate()
    cls = services.class_create(actor=world.secretary, organization=world.b1, kind="members", title="轮训班",
                                starts_on=today, ends_on=today)
    response = client_for(world.secretary).post(reverse("learning:class-exam", args=[cls.pk]), {"exam": other.pk})
    assert response.status_code == 302
    cls.refresh_from_db()
    assert cls.final_exam is None
    assert client_for(world.member_user).post(reverse("learning:class-exam", args=[cls.pk]),
                                              {"exam": ""}).status_code in (403, 404)
