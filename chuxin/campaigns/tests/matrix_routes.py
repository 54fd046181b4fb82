"""The campaigns app's URLs for the role matrix (chuxin/portal/tests/test_role_matrix.py).

At each target organization (B1, B2, X2): a running campaign launched by it for itself with one stage and a manual
action (its checklist is the organization's participation), a study plan with a topic and a material, a call for
projects whose reviewer is the role standing there as committee member or secretary (B1: committee, B2: outsider,
X2: superuser), and a submitted project led by a member there with a milestone.
"""

from __future__ import annotations

import datetime

from chuxin.testing import FORBIDDEN, M, P, R, anywhere, get_and_post, login_only, obj

REVIEWERS = {"B1": "committee", "B2": "outsider", "X2": "superuser"}


def _campaign(env, where: str):
    from chuxin.campaigns.models import Action, Campaign, Participant, Stage

    def make():
        org = env.org(where)
        today = datetime.date.today()
        campaign = Campaign.objects.create(organization=org, organization_path=org.path, name=f"主题教育-{where}",
                                           starts_on=today - datetime.timedelta(days=5),
                                           ends_on=today + datetime.timedelta(days=60))
        participant = Participant.objects.create(campaign=campaign, organization=org, organization_path=org.path)
        stage = Stage.objects.create(campaign=campaign, name="学习", starts_on=campaign.starts_on,
                                     ends_on=campaign.starts_on + datetime.timedelta(days=20))
        Action.objects.create(stage=stage, kind=Action.Kind.MANUAL, title="制定整改清单")
        return campaign, participant

    return env.once(("campaign", where), make)


def _topic(env, where: str):
    from django.core.files.base import ContentFile

    from chuxin.campaigns.models import StudyMaterial, StudyPlan, StudyTopic

    def make():
        org = env.org(where)
        plan = StudyPlan.objects.create(organization=org, organization_path=org.path, year=2020, title="学习计划")
        topic = StudyTopic.objects.create(plan=plan, month=3, title="学习党章")
        material = StudyMaterial(topic=topic, name="党章.pdf", size=8)
        material.file.save("m.pdf", ContentFile(b"%PDF-1.4"), save=False)
        material.save()
        return plan, topic, material

    return env.once(("topic", where), make)


def _project(env, where: str):
    from chuxin.campaigns.models import Call, Milestone, Project

    def make():
        org = env.org(where)
        call = Call.objects.create(organization=org, organization_path=org.path, year=2020, title="双创征集",
                                   closes_on=datetime.date(2100, 1, 1))
        call.reviewers.set([env.users[REVIEWERS[where]]])
        project = Project.objects.create(call=call, organization=org, organization_path=org.path, title="项目",
                                         problem="问题", goal="目标", expected_result="结果",
                                         leader=env.member(where))
        milestone = Milestone.objects.create(project=project, title="里程碑", due_on=datetime.date(2100, 1, 1))
        return call, project, milestone

    return env.once(("project", where), make)


def routes() -> dict:
    def campaign(env, where):
        return {"pk": _campaign(env, where)[0].pk}, {}

    def checklist(env, where):
        return {"pk": _campaign(env, where)[1].pk}, {}

    def plan(env, where):
        return {"pk": _topic(env, where)[0].pk}, {}

    def topic(env, where):
        return {"pk": _topic(env, where)[1].pk}, {}

    def material(env, where):
        return {"pk": _topic(env, where)[2].pk}, {}

    def call(env, where):
        return {"pk": _project(env, where)[0].pk}, {}

    def project(env, where):
        return {"pk": _project(env, where)[1].pk}, {}

    def milestone(env, where):
        return {"pk": _project(env, where)[2].pk}, {}

    def org_query(env, where):
        return {}, {"organization": env.org(where).pk}

    # Proposing needs a member file under the call's organization: only the plain member has one (at B1).
    only_members = {(role, "B1"): FORBIDDEN for role in ("committee", "secretary", "viewer", "worker")}
    only_members |= {("outsider", "B2"): FORBIDDEN, ("superuser", "X2"): FORBIDDEN}
    # Reviewing: only the reviewers the call names (see REVIEWERS), whoever else stands there.
    only_reviewers = {("secretary", "B1"): FORBIDDEN, ("viewer", "B1"): FORBIDDEN, ("worker", "B1"): FORBIDDEN}
    return {
        "campaigns:index": [login_only("get")],
        "campaigns:create": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "campaigns:detail": [obj("get", R, campaign)],
        "campaigns:stage-add": [obj("post", M, campaign)],
        "campaigns:end": [obj("post", M, campaign)],
        "campaigns:summary": [obj("get", R, campaign)],
        "campaigns:checklist": [obj("get", P, checklist)],  # a member reads their branch's checklist
        "campaigns:tick": [obj("post", M, checklist)],
        "campaigns:plans": [login_only("get")],
        "campaigns:plan-create": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "campaigns:plan": [obj("get", P, plan)],
        "campaigns:topic-add": [obj("post", M, plan)],
        "campaigns:topic": [obj("get", P, topic)],
        "campaigns:topic-link": [obj("post", M, topic)],
        "campaigns:material": [obj("get", P, material)],
        "campaigns:projects": [login_only("get")],
        "campaigns:call-create": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "campaigns:call": [obj("get", P, call)],
        "campaigns:propose": get_and_post(obj("get", P, call, special=only_members)),
        "campaigns:project": [obj("get", P, project)],
        "campaigns:review": [obj("post", R, project, special=only_reviewers)],
        "campaigns:decide": [obj("post", M, project)],
        "campaigns:start": [obj("post", M, project)],
        "campaigns:milestone-add": [obj("post", M, project)],
        "campaigns:milestone-done": [obj("post", M, milestone)],
        "campaigns:update-add": [obj("post", M, project)],
        "campaigns:close": [obj("post", M, project)],
    }
