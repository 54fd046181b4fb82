"""Points: off by default, rules as data, one ledger entry per source record, caps, once-only, top entries only."""

from __future__ import annotations

import datetime

from django.urls import reverse

from chuxin.orgs.services import rule_set
from chuxin.quizzes import services
from chuxin.quizzes.models import PointEntry, PracticeSession
from chuxin.records.services import record_work

from .conftest import exam_of


def _switch_on(world, org=None, *, ranking: bool = False):
    rule_set(actor=None, organization=org or world.b1, code="points_enabled", value=True)
    if ranking:
        rule_set(actor=None, organization=org or world.b1, code="rankings_enabled", value=True)


def _practise(world, client):
    client.get(reverse("quizzes:daily"))
    session = PracticeSession.objects.get(user=world.member_user, kind="daily")
    for version in session.versions:
        client.post(reverse("quizzes:daily-answer", args=[version]), {"response": ["0", "true"]})
    return session


def test_nothing_is_awarded_while_points_are_off(world, questions, client_for):
    services.point_rule_save(actor=None, organization=world.pc, kind="quiz.practice_done", points=5, daily_cap=None,
                             weekly_cap=None, once_only=False)
    _practise(world, client_for(world.member_user))
    assert not PointEntry.objects.exists()
    page = client_for(world.member_user).get(reverse("quizzes:points")).content.decode()
    assert "does not use points" in page


def test_a_practice_and_a_replay_earn_once(world, questions, client_for):
    _switch_on(world)
    services.point_rule_save(actor=None, organization=world.pc, kind="quiz.practice_done", points=5, daily_cap=None,
                             weekly_cap=None, once_only=False)
    member = client_for(world.member_user)
    session = _practise(world, member)
    _practise(world, member)  # the same answers sent again
    assert list(PointEntry.objects.values_list("user", "points")) == [(world.member_user.pk, 5)]
    page = member.get(reverse("quizzes:points")).content.decode()
    assert "5 points" in page
    assert session.pk


def test_a_passed_exam_submitted_twice_earns_once(world, questions, client_for):
    _switch_on(world)
    services.point_rule_save(actor=None, organization=world.b1, kind="quiz.exam_passed", points=10, daily_cap=None,
                             weekly_cap=None, once_only=False)
    exam = exam_of(world, questions)
    attempt = services.attempt_start(user=world.member_user, exam=exam)
    for _twice in range(2):
        services.attempt_submit(user=world.member_user, attempt=attempt, responses={v: ["0"] for v in attempt.versions})
    assert PointEntry.objects.get().points == 10


def test_caps_per_day_and_week_and_once_only(world, questions):
    _switch_on(world)
    rule = services.point_rule_save(actor=None, organization=world.b1, kind="meeting_held", points=3, daily_cap=5,
                                    weekly_cap=7, once_only=False)
    monday = datetime.date(2026, 11, 23)

    def held(day, n):
        session = PracticeSession.objects.create(user=world.member_user, organization=world.b1, kind="challenge",
                                                 day=day, versions=[])
        record_work(kind="meeting_held", organization=world.b1, on=day, target=session, key=str(n),
                    members=[world.member], payload={"kind": "general", "period": "2026-Q4", "expected": 1,
                                                     "attended": 1, "study_hours": "0"})

    held(monday, 1)
    held(monday, 2)  # capped at 5 that day: 2 more
    held(monday, 3)  # none
    held(monday + datetime.timedelta(days=1), 4)  # the week's cap 7: 2 more
    held(monday + datetime.timedelta(days=7), 5)  # a new week
    assert list(PointEntry.objects.order_by("pk").values_list("points", flat=True)) == [3, 2, 2, 3]
    rule.once_only = True
    rule.save()
    PointEntry.objects.all().delete()
    held(monday, 6)
    held(monday + datetime.timedelta(days=20), 7)
    assert PointEntry.objects.count() == 1


def test_rankings_are_off_by_default_and_show_only_the_top(world, questions, client_for):
    _switch_on(world)
    member = client_for(world.member_user)
    page = member.get(reverse("quizzes:ranking")).content.decode()
    assert "Rankings are off here" in page
    _switch_on(world, ranking=True)
    services.point_rule_save(actor=None, organization=world.b1, kind="quiz.practice_done", points=2, daily_cap=None,
                             weekly_cap=None, once_only=False)
    _practise(world, member)
    page = member.get(reverse("quizzes:ranking")).content.decode()
    assert "李四" in page and "never a bottom list" in page


def test_the_settings_page_explains_the_rules_against_formalism(world, client_for):
    secretary = client_for(world.secretary)
    page = secretary.get(reverse("quizzes:point-settings")).content.decode()
    assert "formalism at the fingertips" in page and "Off" in page
    response = secretary.post(reverse("quizzes:point-settings") + f"?organization={world.b1.pk}", {
        "kind": "quiz.exam_passed", "points": "4", "daily_cap": "", "weekly_cap": "", "once_only": "on"})
    assert response.status_code == 302
    rule = world.b1 and services.PointRule.objects.get()
    assert (rule.points, rule.once_only, rule.organization) == (4, True, world.b1)
    # A forged kind is refused, and a rule of another branch cannot be removed.
    page = secretary.post(reverse("quizzes:point-settings"), {"kind": "<script>", "points": "4"}).content.decode()
    assert "Select a valid choice" in page
    assert client_for(world.outsider).post(reverse("quizzes:point-rule-delete", args=[rule.pk])).status_code == 404
    assert client_for(world.outsider).get(reverse("quizzes:point-settings") + f"?organization={world.b1.pk}"
                                          ).status_code == 404


