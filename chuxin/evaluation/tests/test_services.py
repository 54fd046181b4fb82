"""The evaluation's life through its services: the snapshot of members, self-assessment, anonymous grading (once
per voter, only while grading is open, only members graded in it), proposal, decision, feedback and the record."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chuxin.audit.models import AuditEntry
from chuxin.evaluation import services
from chuxin.evaluation.models import Ballot, Evaluation, VoterRecord
from chuxin.notifications.models import Notification
from chuxin.records.models import WorkRecord


def test_opening_takes_the_members_on_the_roll_probationary_ones_without_a_grade(
        branch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = branch.open()
    parts = {p.member.name: p.graded for p in evaluation.participants.select_related("member")}
    # Its Party group's member (吴三) is the branch's too; 冯七 transferred out; 王五 is B2's.
    assert parts == {"李四": True, "陈一": True, "周二": True, "吴三": True, "郑五": False}
    told = set(Notification.objects.filter(kind="assigned").values_list("recipient__username", flat=True))
    assert told == {"member", "u-陈一", "u-周二", "u-吴三", "u-郑五"}


def test_a_branch_opens_one_evaluation_a_year_and_only_a_branch_opens_one(branch):
    branch.open()
    with pytest.raises(ValidationError, match="already has a member evaluation"):
        branch.open()
    world = branch.world
    with pytest.raises(ValidationError, match="is not one"):
        services.evaluation_open(actor=world.worker, organization=world.pc, year=2026,
                                 self_assessment_due=branch.today, grading_due=branch.today)
    assert Evaluation.objects.count() == 1


def test_a_member_writes_their_self_assessment_only_while_that_stage_lasts(branch):
    evaluation = branch.open()
    services.self_assessment_write(actor=branch.user("陈一"), evaluation=evaluation, text="认真学习。")
    assert branch.part(evaluation, "陈一").self_assessment == "认真学习。"
    with pytest.raises(ValidationError):
        services.self_assessment_write(actor=branch.user("陈一"), evaluation=evaluation, text="  ")
    services.evaluation_advance(actor=branch.world.secretary, evaluation=evaluation, step="start_grading")
    with pytest.raises(ValidationError, match="can no longer be written"):
        services.self_assessment_write(actor=branch.user("陈一"), evaluation=evaluation, text="改写")
    assert branch.part(evaluation, "陈一").self_assessment == "认真学习。"


def test_nobody_writes_or_votes_for_someone_else_not_even_the_secretary(branch):
    evaluation = branch.to_grading()
    with pytest.raises(PermissionDenied):
        services.ballot_cast(actor=branch.world.secretary, evaluation=evaluation, grades={})
    with pytest.raises(PermissionDenied):
        services.self_assessment_write(actor=branch.world.worker, evaluation=evaluation, text="代写")


def _full_ballot(branch, evaluation, voter: str, grade: str = "qualified") -> dict:
    return {p.pk: grade for p in evaluation.participants.filter(graded=True).exclude(member=branch.member(voter))}


def test_a_probationary_member_votes_but_is_not_graded(branch):
    evaluation = branch.to_grading()
    n = services.ballot_cast(actor=branch.user("郑五"), evaluation=evaluation,
                             grades=_full_ballot(branch, evaluation, "郑五"))
    assert n == 4
    probationary = branch.part(evaluation, "郑五")
    with pytest.raises(ValidationError, match="Only the members graded"):
        services.ballot_cast(actor=branch.user("陈一"), evaluation=evaluation,
                             grades={**_full_ballot(branch, evaluation, "陈一"), probationary.pk: "qualified"})
    assert not Ballot.objects.filter(graded=probationary).exists()


def test_a_second_ballot_is_refused_and_changes_nothing(branch):
    evaluation = branch.to_grading()
    services.ballot_cast(actor=branch.user("陈一"), evaluation=evaluation, grades=_full_ballot(branch, evaluation, "陈一"))
    before = sorted(Ballot.objects.values_list("pk", "grade"))
    with pytest.raises(ValidationError, match="already cast your ballot"):
        services.ballot_cast(actor=branch.user("陈一"), evaluation=evaluation,
                             grades=_full_ballot(branch, evaluation, "陈一", "excellent"))
    assert sorted(Ballot.objects.values_list("pk", "grade")) == before
    assert VoterRecord.objects.count() == 1


def test_a_ballot_outside_the_grading_stage_is_refused(branch):
    evaluation = branch.open()
    with pytest.raises(ValidationError, match="Peer grading is not open"):
        services.ballot_cast(actor=branch.user("陈一"), evaluation=evaluation,
                             grades=_full_ballot(branch, evaluation, "陈一"))
    services.evaluation_advance(actor=branch.world.secretary, evaluation=evaluation, step="start_grading")
    services.evaluation_advance(actor=branch.world.secretary, evaluation=evaluation, step="close_grading")
    with pytest.raises(ValidationError, match="Peer grading is not open"):
        services.ballot_cast(actor=branch.user("陈一"), evaluation=evaluation,
                             grades=_full_ballot(branch, evaluation, "陈一"))
    assert not Ballot.objects.exists() and not VoterRecord.objects.exists()


def test_grading_someone_not_in_the_evaluation_is_refused(branch):
    world = branch.world
    evaluation = branch.to_grading()
    other = services.evaluation_open(actor=world.outsider, organization=world.b2, year=branch.today.year,
                                     self_assessment_due=branch.today, grading_due=branch.today)
    stranger_part = other.participants.get()
    for grades in ({**_full_ballot(branch, evaluation, "陈一"), stranger_part.pk: "excellent"},
                   {**_full_ballot(branch, evaluation, "陈一"), branch.part(evaluation, "陈一").pk: "excellent"},
                   {"x": "qualified"}):
        with pytest.raises(ValidationError, match="Only the members graded"):
            services.ballot_cast(actor=branch.user("陈一"), evaluation=evaluation, grades=grades)
    with pytest.raises(ValidationError, match="Grade every member"):
        services.ballot_cast(actor=branch.user("陈一"), evaluation=evaluation, grades={})
    with pytest.raises(ValidationError, match="one of the four grades"):
        services.ballot_cast(actor=branch.user("陈一"), evaluation=evaluation,
                             grades=_full_ballot(branch, evaluation, "陈一", "perfect"))
    assert not Ballot.objects.exists() and not VoterRecord.objects.exists()


def test_the_whole_evaluation_from_opening_to_feedback(branch, django_capture_on_commit_callbacks):
    world = branch.world
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = branch.open()
    for name in ("李四", "陈一", "郑五"):
        services.self_assessment_write(actor=branch.user(name), evaluation=evaluation, text=f"{name}的自评")
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_advance(actor=world.secretary, evaluation=evaluation, step="start_grading")
    for name in ("李四", "陈一", "周二", "郑五"):
        grades = _full_ballot(branch, evaluation, name)
        grades[branch.part(evaluation, "周二").pk if name != "周二" else branch.part(evaluation, "陈一").pk] = "excellent"
        services.ballot_cast(actor=branch.user(name), evaluation=evaluation, grades=grades)
    services.evaluation_advance(actor=world.secretary, evaluation=evaluation, step="close_grading")
    zhou = branch.part(evaluation, "周二")
    graded = {p.pk: "qualified" for p in evaluation.participants.filter(graded=True)}
    graded[zhou.pk] = "excellent"
    # The committee member (a seat on B1's committee, no role) writes the proposal.
    services.grades_propose(actor=branch.user("陈一"), evaluation=evaluation, grades=graded,
                            comments={zhou.pk: "表现突出"}, submit=True)
    assert Evaluation.objects.get(pk=evaluation.pk).stage == "decision"
    with pytest.raises(ValidationError, match="future"):
        services.evaluation_conclude(actor=world.secretary, evaluation=evaluation, grades=graded,
                                     meeting_on=branch.today + datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_conclude(actor=world.secretary, evaluation=evaluation, grades=graded,
                                     meeting_on=branch.today, meeting_note="支部党员大会表决通过")
    evaluation.refresh_from_db()
    assert evaluation.stage == "concluded" and evaluation.meeting_on == branch.today
    zhou.refresh_from_db()
    assert (zhou.final_grade, zhou.comment) == ("excellent", "表现突出")
    assert branch.part(evaluation, "郑五").final_grade == ""
    record = WorkRecord.objects.get(kind="evaluation.concluded")
    assert record.payload == {"year": branch.today.year, "graded": 4, "excellent": 1}
    assert record.organization == world.b1
    told = set(Notification.objects.filter(kind="reminded", target_id=str(evaluation.pk))
               .values_list("recipient__username", flat=True))
    assert told == {"member", "u-陈一", "u-周二", "u-吴三", "u-郑五"}
    # Concluding again (a double click) changes nothing.
    entries = AuditEntry.objects.count()
    services.evaluation_conclude(actor=world.secretary, evaluation=evaluation, grades=graded, meeting_on=branch.today)
    assert AuditEntry.objects.count() == entries and WorkRecord.objects.filter(kind="evaluation.concluded").count() == 1


def test_the_decision_needs_every_graded_member_graded(branch):
    evaluation = branch.to_decision()
    some = dict(list({p.pk: "qualified" for p in evaluation.participants.filter(graded=True)}.items())[:2])
    with pytest.raises(ValidationError, match="Give every graded member a grade"):
        services.evaluation_conclude(actor=branch.world.secretary, evaluation=evaluation, grades=some,
                                     meeting_on=branch.today)
    assert Evaluation.objects.get(pk=evaluation.pk).stage == "decision"


def test_stages_move_only_forward_by_their_steps(branch):
    evaluation = branch.open()
    with pytest.raises(ValidationError):
        services.evaluation_advance(actor=branch.world.secretary, evaluation=evaluation, step="close_grading")
    with pytest.raises(ValidationError):
        services.evaluation_conclude(actor=branch.world.secretary, evaluation=evaluation, grades={},
                                     meeting_on=branch.today)
    with pytest.raises(PermissionDenied):  # a committee member by role only (READ) moves nothing
        services.evaluation_advance(actor=branch.world.committee, evaluation=evaluation, step="start_grading")
