"""The evaluation app's URLs for the role matrix (chuxin/portal/tests/test_role_matrix.py).

At each target organization (B1, B2, X2) the object is that organization's evaluation of this year, in peer
grading, with its members on the roll taking part (at B1 the world's plain member among them), and the
organization itself for the talks.
"""

from __future__ import annotations

import datetime

from chuxin.testing import FORBIDDEN, OK, M, P, R, anywhere, get_and_post, login_only, obj, pk_of


def _evaluation(env, where: str):
    from chuxin.evaluation.models import Evaluation, Participant
    from chuxin.members.models import Member

    def make():
        org = env.org(where)
        env.member(where)  # a second member to grade
        today = datetime.date.today()
        evaluation = Evaluation.objects.create(
            organization=org, year=today.year, stage=Evaluation.Stage.GRADING,
            self_assessment_due=today, grading_due=today + datetime.timedelta(days=7))
        for member in Member.objects.filter(organization=org, status=Member.Status.ACTIVE):
            Participant.objects.create(evaluation=evaluation, member=member, graded=member.category == "full")
        return evaluation

    return env.once(("evaluation", where), make)


def routes() -> dict:
    def evaluation(env, where):
        return {"pk": _evaluation(env, where).pk}, {}

    def org_query(env, where):
        return {}, {"org": env.org(where).pk}

    # A participant's own part: everyone else with standing there is refused, managers and the superuser included
    # (nobody writes a self-assessment or casts a ballot for someone else).
    only_participants = {(role, "B1"): FORBIDDEN for role in ("committee", "secretary", "viewer", "worker")}
    only_participants |= {("outsider", "B2"): FORBIDDEN, ("superuser", "X2"): FORBIDDEN}
    only_participants |= {("member", "B1"): OK}
    return {
        "evaluation:index": [login_only("get")],  # my own parts, and what I read
        "evaluation:create": [
            *get_and_post(anywhere("get", M)),  # asks which branch, or goes straight to the form
            *get_and_post(obj("get", M, org_query)),
        ],
        "evaluation:detail": [obj("get", R, evaluation)],
        "evaluation:mine": [obj("get", P, evaluation)],  # a non-participant reads that they take no part
        "evaluation:self-assess": [obj("post", P, evaluation, special=only_participants)],
        "evaluation:ballot": [obj("post", P, evaluation, special=only_participants)],
        "evaluation:advance": [obj("post", M, evaluation)],
        "evaluation:propose": get_and_post(obj("get", M, evaluation)),  # or a seat on the committee
        "evaluation:decide": get_and_post(obj("get", M, evaluation)),
        "evaluation:talks-start": [anywhere("get", R)],
        "evaluation:talks": [obj("get", R, pk_of("org"))],  # or a seat on the committee
        "evaluation:talk-create": get_and_post(obj("get", M, pk_of("org"))),  # or a seat: their own talks
        "evaluation:coverage": [obj("get", M, pk_of("org"))],
    }
