"""Every write service of the campaigns app checks its actor itself, whoever calls it (a page, an API, a job): an
actor without standing (a stranger; the sibling branch's secretary) is refused, and nothing is written."""

from __future__ import annotations

import datetime

from chuxin.campaigns import services
from chuxin.testing import not_refused, service_functions

from .conftest import held, today

# Public functions that write nothing on anyone's behalf: the default participants, the organizations' meetings
# to link (reads), the member file of a user (a read), and the consumer of records (run in the producer's
# transaction, for the producer's actor).
NO_WRITE = {"campaign_participants_default", "meetings_to_link", "my_member_file", "tick_from_record"}


def test_every_write_service_refuses_an_actor_without_standing(world, campaign, call, young):
    _member, young_user = young
    b1 = campaign.participants.get(organization=world.b1)
    manual = campaign.stages.get(name="整改落实").actions.get()
    plan = services.plan_create(actor=world.secretary, organization=world.b1, year=today().year, title="计划")
    topic = services.topic_add(actor=world.secretary, plan=plan, month=1, title="专题")
    meeting = held(world)
    project = services.project_propose(actor=young_user, call=call, title="项目", problem="问题", goal="目标",
                                       expected_result="结果")
    for reviewer in call.reviewers.all():
        services.project_review(actor=reviewer, project=project, score=80, comment="好")
    services.project_decide(actor=world.worker, project=project, approve=True)
    services.project_start(actor=young_user, project=project)
    milestone = services.milestone_add(actor=young_user, project=project, title="里程碑", due_on=today())
    tried = {
        "campaign_launch": lambda a: services.campaign_launch(actor=a, organization=world.pc, name="x",
                                                              starts_on=today(), ends_on=today()),
        "stage_add": lambda a: services.stage_add(actor=a, campaign=campaign, name="x", starts_on=campaign.starts_on,
                                                  ends_on=campaign.starts_on, manual=["x"]),
        "action_tick": lambda a: services.action_tick(actor=a, participant=b1, action=manual, note="x"),
        "campaign_end": lambda a: services.campaign_end(actor=a, campaign=campaign, summary="x"),
        "plan_create": lambda a: services.plan_create(actor=a, organization=world.b1, year=2001, title="x"),
        "topic_add": lambda a: services.topic_add(actor=a, plan=plan, month=2, title="x"),
        "topic_link_meeting": lambda a: services.topic_link_meeting(actor=a, topic=topic, meeting=meeting),
        "call_open": lambda a: services.call_open(actor=a, organization=world.pc, year=2001, title="x",
                                                  closes_on=today() + datetime.timedelta(days=1)),
        "project_propose": lambda a: services.project_propose(actor=a, call=call, title="x", problem="x", goal="x",
                                                              expected_result="x"),
        "project_review": lambda a: services.project_review(actor=a, project=project, score=1, comment="x"),
        "project_decide": lambda a: services.project_decide(actor=a, project=project, approve=False, note="x"),
        "project_start": lambda a: services.project_start(actor=a, project=project),
        "milestone_add": lambda a: services.milestone_add(actor=a, project=project, title="x", due_on=today()),
        "milestone_done": lambda a: services.milestone_done(actor=a, milestone=milestone),
        "update_add": lambda a: services.update_add(actor=a, project=project, text="x"),
        "project_close": lambda a: services.project_close(actor=a, project=project, delivered=False,
                                                          evaluation="x"),
    }
    assert set(tried) | NO_WRITE == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider) == []
