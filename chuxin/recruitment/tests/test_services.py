"""The recruitment pipeline as a secretary lives it: limits computed, steps in order, sponsors checked, the
member file made on admission and updated on full membership."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chuxin.core.access import Need
from chuxin.members.models import Member
from chuxin.records.models import WorkRecord
from chuxin.recruitment import deadlines, demo, services
from chuxin.recruitment.models import Applicant, Holiday, Stage
from chuxin.recruitment.selectors import overview, workbench_items

from .conftest import apply

TODAY = datetime.date.today()


def test_the_talk_is_due_within_one_month_and_on_the_workbench(world):
    a = apply(world, on=TODAY - datetime.timedelta(days=3))
    assert a.stage == Stage.APPLICATION
    assert a.next_step == 2
    assert a.next_due == deadlines.add_months(TODAY - datetime.timedelta(days=3), 1)
    items = workbench_items(world.secretary)
    assert [i.url for i in items] == [f"/recruitment/{a.pk}/"]
    assert "step 2" in items[0].title
    assert workbench_items(world.outsider) == []


def test_an_applicant_under_18_is_refused(world):
    with pytest.raises(ValidationError, match="at least 18"):
        services.applicant_create(actor=world.secretary, organization=world.b1, citizen_id_number="x",
                                  applied_on=datetime.date(2017, 3, 4), name="小", gender="female",
                                  birth_date=datetime.date(2000, 3, 4))
    assert not Applicant.objects.exists()


def test_a_step_out_of_order_is_refused_and_nothing_is_saved(world):
    a = apply(world, on=TODAY - datetime.timedelta(days=400))
    with pytest.raises(ValidationError, match=r"step 2 \(Talk with the applicant\) comes first"):
        services.step_record(actor=world.secretary, applicant=a, number=7, on=TODAY)
    a.refresh_from_db()
    assert a.stage == Stage.APPLICATION and a.steps.count() == 1


def test_a_step_twice_is_refused(world):
    a = apply(world, on=TODAY - datetime.timedelta(days=10))
    services.step_record(actor=world.secretary, applicant=a, number=2, on=TODAY - datetime.timedelta(days=5))
    with pytest.raises(ValidationError, match="already recorded"):
        services.step_record(actor=world.secretary, applicant=a, number=2, on=TODAY)


def test_a_candidate_needs_a_year_as_activist(world, branch):
    start = TODAY - datetime.timedelta(days=300)
    a = apply(world, on=start)
    for n, d in ((2, 10), (3, 30), (4, 40)):
        services.step_record(actor=world.secretary, applicant=a, number=n, on=start + datetime.timedelta(days=d),
                             notice_from=start + datetime.timedelta(days=d - 12) if n == 3 else None)
    services.step_record(actor=world.secretary, applicant=a, number=5, on=start + datetime.timedelta(days=50),
                         people=branch.full[:1])
    services.step_record(actor=world.secretary, applicant=a, number=6, on=start + datetime.timedelta(days=200))
    a.refresh_from_db()
    assert a.stage == Stage.ACTIVIST and a.next_step == 7
    assert a.next_earliest == deadlines.add_months(start + datetime.timedelta(days=30), 12)
    with pytest.raises(ValidationError, match="can be recorded from"):
        services.step_record(actor=world.secretary, applicant=a, number=7, on=TODAY,
                             notice_from=TODAY - datetime.timedelta(days=14))


def test_a_probationary_sponsor_is_refused(world, branch):
    a = _walk_to(world, branch, 8)
    with pytest.raises(ValidationError, match="冯预备 is not a full member"):
        services.step_record(actor=world.secretary, applicant=a, number=9, on=TODAY,
                             people=[branch.full[0], branch.probationary])
    with pytest.raises(ValidationError, match="two sponsors"):
        services.step_record(actor=world.secretary, applicant=a, number=9, on=TODAY, people=[branch.full[0]])
    assert not a.steps.filter(number=9).exists()


def test_training_needs_three_days_or_24_hours(world, branch):
    a = _walk_to(world, branch, 10)
    with pytest.raises(ValidationError, match="at least 3 days or 24"):
        services.step_record(actor=world.secretary, applicant=a, number=11, on=TODAY, training_days=2,
                             training_hours=16)
    services.step_record(actor=world.secretary, applicant=a, number=11, on=TODAY, training_hours=24)


def test_the_public_notice_counts_working_days_with_the_holidays(world, branch):
    wednesday = datetime.date(2026, 9, 30)  # the National Day week follows; Saturday 10 October is worked
    for day in range(1, 8):
        Holiday.objects.create(day=datetime.date(2026, 10, day), name="国庆节")
    Holiday.objects.create(day=datetime.date(2026, 10, 10), name="调休", is_workday=True)
    # 30 Sep (1), 8 and 9 Oct (2, 3), Saturday 10 Oct (4), Monday 12 Oct (5)
    assert services.notice_end(world.b1, wednesday) == datetime.date(2026, 10, 12)
    assert deadlines.working_days_end(datetime.date(2026, 5, 2), 5, {}) == datetime.date(2026, 5, 8)


def test_approval_within_three_months_up_to_six_with_a_reason(world, branch):
    a = _walk_to(world, branch, 16, vote_days_ago=120)
    with pytest.raises(ValidationError, match="special reason"):
        services.step_record(actor=world.secretary, applicant=a, number=17, on=TODAY)
    services.step_record(actor=world.secretary, applicant=a, number=17, on=TODAY, extended_reason="上级党委集中审批")


def test_the_approval_makes_the_member_file_and_full_membership_updates_it(world, branch):
    a = _walk_to(world, branch, 16, vote_days_ago=30)
    services.step_record(actor=world.secretary, applicant=a, number=17, on=TODAY)
    a.refresh_from_db()
    member = a.member
    assert member.category == Member.Category.PROBATIONARY
    assert member.joined_on == TODAY - datetime.timedelta(days=30)
    assert member.organization == world.b1
    assert WorkRecord.objects.filter(kind="recruitment_step", target_id=str(a.pk)).count() == 17


def test_nobody_outside_may_record(world, branch):
    a = apply(world, on=TODAY - datetime.timedelta(days=3))
    for actor in (world.outsider, world.viewer, world.member_user, world.committee):
        with pytest.raises(PermissionDenied):
            services.step_record(actor=actor, applicant=a, number=2, on=TODAY)
    with pytest.raises(PermissionDenied):
        apply(world, on=TODAY, actor=world.outsider, name="外人")


def test_the_overview_counts_each_stage(world, branch):
    apply(world, on=TODAY - datetime.timedelta(days=3))
    _walk_to(world, branch, 8)
    data = overview(world.worker, world.pc)
    counts = {s["value"]: s["count"] for s in data["stages"]}
    assert counts[Stage.APPLICATION] == 1 and counts[Stage.CANDIDATE] == 1 and data["total"] == 2
    assert [p.name for p in data["soon"]] == ["林晓"]


def test_the_demo_walks_people_to_every_stage(world):
    from chuxin.orgs.services import organization_create

    b1 = organization_create(actor=None, parent=world.pc, name="机关第一党支部", code="HX-B01", kind="branch")
    b2 = organization_create(actor=None, parent=world.pc, name="机关第二党支部", code="HX-B02", kind="branch")
    from chuxin.testing import make_member

    for org in (b1, b2):
        make_member(org, "甲"), make_member(org, "乙")
    demo.seed_demo_data(today=TODAY)
    stages = set(Applicant.objects.values_list("stage", flat=True))
    assert stages == set(Stage.values)
    assert Applicant.objects.filter(status="done", member__category="full").count() == 1
    demo.seed_demo_data(today=TODAY)  # idempotent
    assert Applicant.objects.count() == len(demo.PEOPLE)
    assert Need.MANAGE  # the secretary manages b1 only through the world's grants


def _walk_to(world, branch, upto: int, *, vote_days_ago: int = 30) -> Applicant:
    """A person with steps 1..upto recorded, dated so that step 15 (the vote) is `vote_days_ago` days ago."""
    vote = TODAY - datetime.timedelta(days=vote_days_ago)
    start = deadlines.add_months(vote, -12) - datetime.timedelta(days=150)
    days = demo.schedule(start)
    shift = vote - days[15]
    days = {n: d + shift for n, d in days.items()}
    a = apply(world, on=days[1])
    demo.walk(a, days, upto, people=branch.full, actor=world.secretary)
    a.refresh_from_db()
    return a


def test_after_the_vote_the_approvals_three_months_are_the_deadline(world, branch):
    a = _walk_to(world, branch, 15, vote_days_ago=30)
    assert a.next_step == 16
    assert a.next_due == deadlines.add_months(TODAY - datetime.timedelta(days=30), 3)


def test_reminders_go_to_the_secretary_once_per_step_and_date(world, branch):
    from chuxin.notifications.models import Notification
    from chuxin.notifications.reminders import send_due_reminders

    a = apply(world, on=TODAY - datetime.timedelta(days=27))  # the talk is due in a few days
    assert send_due_reminders(TODAY) >= 1
    assert send_due_reminders(TODAY) == 0  # once
    note = Notification.objects.get(recipient=world.secretary, target_id=str(a.pk))
    assert note.kind == "due_soon" and note.url == f"/recruitment/{a.pk}/"


def test_probation_ending_and_political_birthdays(world, branch):
    from chuxin.orgs.services import rule_set
    from chuxin.recruitment import reminders

    today = datetime.date(2026, 7, 1)
    joined = datetime.date(2025, 7, 5)
    branch.probationary.joined_on = joined
    branch.probationary.save()
    found = reminders.due_reminders(today)
    assert any(r.target == branch.probationary and r.dedup_key == "probation:2026-07-05" for r in found)
    assert not [r for r in found if r.dedup_key.startswith("birthday")]  # off by default
    rule_set(actor=None, organization=world.b1, code="political_birthday_greeting", value=True)
    greeted = [r for r in reminders.due_reminders(today) if r.dedup_key.startswith("birthday")]
    assert [r.recipient for r in greeted] == [world.member_user]  # joined on 1 July 2010, with an account
    assert greeted[0].params["years"] == 16
