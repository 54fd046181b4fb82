"""A first reading and a lesson done are work records, once: points (opt-in, chuxin.quizzes) read them."""

from __future__ import annotations

from django.urls import reverse

from chuxin.learning import services
from chuxin.learning.models import Lesson
from chuxin.orgs.services import rule_set
from chuxin.quizzes import services as quiz_services
from chuxin.quizzes.models import PointEntry
from chuxin.records.models import WorkRecord


def test_a_first_reading_is_recorded_once_and_earns_points_once_where_switched_on(world, library, client_for):
    client = client_for(world.member_user)
    item = library["pc"]
    client.get(item.get_absolute_url())
    assert not PointEntry.objects.exists()  # points are off by default
    assert WorkRecord.objects.filter(kind="learning.read", members=world.member).count() == 1

    rule_set(actor=None, organization=world.b1, code="points_enabled", value=True)
    quiz_services.point_rule_save(actor=None, organization=world.b1, kind="learning.read", points=1, daily_cap=None,
                                  weekly_cap=None, once_only=False)
    other = library["b1"]
    for _ in range(3):  # opened again and again: one reading, one point
        client.get(other.get_absolute_url())
    client.get(item.get_absolute_url())  # already read before points were on: nothing
    assert WorkRecord.objects.filter(kind="learning.read", members=world.member).count() == 2
    assert list(PointEntry.objects.values_list("points", flat=True)) == [1]
    page = client.get(reverse("quizzes:points")).content.decode()
    assert "第一支部学习计划" in page


def test_a_lesson_done_twice_is_one_record(world, library):
    course = services.course_create(actor=world.secretary, organization=world.b1, title="党章学习", description="")
    lesson = services.lesson_add(actor=world.secretary, course=course, item=library["b1"])
    assert services.lesson_complete(actor=world.member_user, lesson=lesson) is True
    assert services.lesson_complete(actor=world.member_user, lesson=Lesson.objects.get(pk=lesson.pk)) is False
    assert WorkRecord.objects.filter(kind="learning.lesson_done", members=world.member).count() == 1
