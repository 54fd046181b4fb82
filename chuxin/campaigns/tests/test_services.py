"""Campaigns, study plans and innovation projects: what the services do and what they refuse."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chuxin.campaigns import selectors, services
from chuxin.campaigns.models import ActionDone, Project
from chuxin.campaigns.reminders import due_reminders
from chuxin.meetings.models import Kind
from chuxin.records.models import WorkRecord
from chuxin.records.selectors import period_facts

from .conftest import held, launch, today


def test_a_campaign_takes_every_branch_under_the_committee(world, campaign):
    assert {p.organization for p in campaign.participants.all()} == {world.b1, world.b2}


def test_a_stage_outside_the_period_is_refused_and_nothing_is_saved(world, campaign):
    with pytest.raises(ValidationError) as error:
        services.stage_add(actor=world.worker, campaign=campaign, name="延伸", starts_on=campaign.ends_on,
                           ends_on=campaign.ends_on + datetime.timedelta(days=5), manual=["总结"])
    assert "within the campaign's period" in str(error.value)
    assert campaign.stages.count() == 3


def test_a_stage_needs_an_action(world, campaign):
    with pytest.raises(ValidationError, match="at least one required action"):
        services.stage_add(actor=world.worker, campaign=campaign, name="空", starts_on=campaign.starts_on,
                           ends_on=campaign.starts_on)


def test_only_the_committee_launches(world):
    with pytest.raises(PermissionDenied):
        services.campaign_launch(actor=world.secretary, organization=world.pc, name="x", starts_on=today(),
                                 ends_on=today())


def test_a_branch_of_another_tree_cannot_take_part(world):
    with pytest.raises(ValidationError, match="is not under"):
        services.campaign_launch(actor=None, organization=world.b1, name="x", starts_on=today(), ends_on=today(),
                                 organizations=[world.b2])


def test_the_themed_party_day_ticks_the_branch_checklist_through_its_record(world, campaign):
    held(world)
    b1 = campaign.participants.get(organization=world.b1)
    b2 = campaign.participants.get(organization=world.b2)
    cells = {r.pk: [(c.done, c.required) for c in r.cells] for r in selectors.matrix(campaign).rows}
    assert cells[b1.pk][0] == (1, 1) and cells[b2.pk][0] == (0, 1)
    done = ActionDone.objects.get(participant=b1)
    assert done.record_id and not done.by_hand and "主题党日" in done.label
    # The tick is a record of its own, so the reports count campaign actions.
    assert WorkRecord.objects.filter(kind="campaign.action_done", organization=world.b1).count() == 1


def test_a_meeting_of_another_kind_ticks_nothing(world, campaign):
    held(world, kind=Kind.GENERAL, title="党员大会")
    assert not ActionDone.objects.exists()


def test_a_stage_added_later_is_ticked_by_the_records_already_there(world):
    held(world)
    campaign = launch(world)
    assert ActionDone.objects.filter(participant__campaign=campaign, participant__organization=world.b1).count() == 1


def test_by_hand_needs_a_note_and_ticks_once(world, campaign):
    b1 = campaign.participants.get(organization=world.b1)
    manual = campaign.stages.get(name="整改落实").actions.get()
    with pytest.raises(ValidationError, match="note"):
        services.action_tick(actor=world.secretary, participant=b1, action=manual, note=" ")
    services.action_tick(actor=world.secretary, participant=b1, action=manual, note="整改清单已报党委")
    with pytest.raises(ValidationError, match="already ticked"):
        services.action_tick(actor=world.secretary, participant=b1, action=manual, note="again")
    assert ActionDone.objects.filter(participant=b1).count() == 1


def test_another_branch_cannot_tick(world, campaign):
    b1 = campaign.participants.get(organization=world.b1)
    manual = campaign.stages.get(name="整改落实").actions.get()
    with pytest.raises(PermissionDenied):
        services.action_tick(actor=world.outsider, participant=b1, action=manual, note="x")


def test_the_branch_that_has_not_held_it_is_reminded_once(world, campaign):
    held(world)
    stage = campaign.stages.get(name="学习教育")
    day = stage.ends_on - datetime.timedelta(days=3)
    reminders = due_reminders(day)
    orgs = {r.target.organization for r in reminders}
    assert world.b2 in orgs and world.b1 not in orgs
    assert {r.recipient.username for r in reminders if r.target.organization == world.b2} >= {"outsider"}
    assert len({(r.target.pk, r.dedup_key) for r in reminders}) == len({r.target.pk for r in reminders})


def test_ending_prefills_the_summary_from_the_records(world, campaign):
    held(world)
    text = selectors.summary_text(campaign)
    assert "1 of 2 organizations did every required action" in text
    assert "第二支部" in text  # still open
    services.campaign_end(actor=world.worker, campaign=campaign, summary=text)
    campaign.refresh_from_db()
    assert campaign.status == "ended" and campaign.summary == text


def test_report_facts_count_campaign_actions(world, campaign):
    held(world)
    facts = {f.code: f.count for f in period_facts(world.pc, today() - datetime.timedelta(days=1), today())}
    assert facts["campaign.action_done"] == 1


# ---------------------------------------------------------------------------------------------------------------
# Study plans


def test_a_topic_is_delivered_by_the_meeting_that_studied_it(world):
    plan = services.plan_create(actor=world.secretary, organization=world.b1, year=today().year, title="学习计划")
    topic = services.topic_add(actor=world.secretary, plan=plan, month=today().month, title="学习党章",
                               links="https://www.12371.cn/")
    meeting = held(world)
    assert meeting in services.meetings_to_link(topic)
    services.topic_link_meeting(actor=world.secretary, topic=topic, meeting=meeting)
    services.topic_link_meeting(actor=world.secretary, topic=topic, meeting=meeting)  # twice: once
    topic.refresh_from_db()
    assert topic.delivered_on == meeting.held_on
    [(link, present)] = selectors.topic_attendance(topic)
    assert "李四" in {a.member.name for a in present}
    record = WorkRecord.objects.get(kind="study.topic_delivered")
    assert world.member in record.members.all()


def test_a_meeting_of_another_branch_cannot_deliver_a_topic(world):
    plan = services.plan_create(actor=world.secretary, organization=world.b1, year=today().year, title="学习计划")
    topic = services.topic_add(actor=world.secretary, plan=plan, month=1, title="学习党章")
    meeting = held(world, world.b2)
    with pytest.raises(ValidationError):
        services.topic_link_meeting(actor=world.secretary, topic=topic, meeting=meeting)


def test_a_link_must_be_a_web_address(world):
    plan = services.plan_create(actor=world.secretary, organization=world.b1, year=today().year, title="学习计划")
    with pytest.raises(ValidationError, match="http"):
        services.topic_add(actor=world.secretary, plan=plan, month=1, title="t", links="javascript:alert(1)")


# ---------------------------------------------------------------------------------------------------------------
# Innovation projects


def _propose(call, young_user, **extra):
    return services.project_propose(actor=young_user, call=call, title="社区智慧党建", problem="居民办事难",
                                    goal="一网通办", expected_result="办事时间减半", **extra)


def test_a_project_from_proposal_to_delivery(world, call, young):
    member, user = young
    project = _propose(call, user, team=[world.member], mentor="王老师")
    assert project.leader == member and project.organization == world.b1
    a, b = call.reviewers.order_by("username")
    services.project_review(actor=a, project=project, score=88, comment="可行")
    with pytest.raises(ValidationError, match="needs 2 reviews"):
        services.project_decide(actor=world.worker, project=project, approve=True)
    with pytest.raises(ValidationError, match="already reviewed"):
        services.project_review(actor=a, project=project, score=90, comment="again")
    services.project_review(actor=b, project=project, score=92, comment="很好")
    services.project_decide(actor=world.worker, project=project, approve=True)
    services.project_start(actor=user, project=project)
    services.milestone_add(actor=user, project=project, title="上线", due_on=today())
    services.update_add(actor=user, project=project, text="完成开发")
    with pytest.raises(PermissionDenied):
        services.project_close(actor=user, project=project, delivered=True, evaluation="好")
    services.project_close(actor=world.worker, project=project, delivered=True, evaluation="成效明显",
                           award="excellent")
    project.refresh_from_db()
    assert project.state == Project.State.DELIVERED
    record = WorkRecord.objects.get(kind="innovation.delivered")
    assert set(record.members.all()) == {member, world.member}
    sections = selectors.member_history(world.member, world.secretary)
    assert sections and "社区智慧党建" in sections[0].rows[0].text


def test_only_named_reviewers_review_and_not_the_team(world, call, young):
    _member, user = young
    project = _propose(call, user)
    with pytest.raises(PermissionDenied):
        services.project_review(actor=world.secretary, project=project, score=50, comment="x")
    with pytest.raises(ValidationError, match="0 to 100"):
        services.project_review(actor=call.reviewers.first(), project=project, score=101, comment="x")


def test_a_member_outside_the_committee_cannot_propose(world, call):
    from chuxin.orgs.services import organization_create
    from chuxin.testing import make_member, make_user

    root = organization_create(actor=None, parent=None, name="别处党委", code="ELSE", kind="superior_committee")
    other = organization_create(actor=None, parent=root, name="别处支部", code="ELSE1", kind="branch")
    user = make_user("elsewhere")
    make_member(other, "外人", user=user)
    with pytest.raises(PermissionDenied):
        _propose(call, user)


def test_a_rejection_needs_a_reason_and_an_award_needs_delivery(world, call, young):
    _member, user = young
    project = _propose(call, user)
    with pytest.raises(ValidationError, match="why"):
        services.project_decide(actor=world.worker, project=project, approve=False)
    services.project_decide(actor=world.worker, project=project, approve=False, note="与已有项目重复")
    assert Project.objects.get(pk=project.pk).state == "rejected"


def test_the_workbench_shows_open_stages_reviews_and_decisions(world, campaign, call, young):
    from chuxin.campaigns.selectors import workbench_items

    held(world)
    b2 = [i.title for i in workbench_items(world.outsider) if i.kind == "campaign" and i.organization == "第二支部"]
    assert "主题教育·学习教育" in b2
    # B1 did the first stage: it is no longer open there.
    assert not [i for i in workbench_items(world.secretary) if i.kind == "campaign" and i.title.endswith("学习教育")]
    _member, user = young
    _propose(call, user)
    reviewer = call.reviewers.first()
    assert [i.state for i in workbench_items(reviewer) if i.kind == "innovation"] == ["to review"]
    assert "to decide" in [i.state for i in workbench_items(world.worker) if i.kind == "innovation"]
