"""Demo evaluations and talks: last year's evaluation concluded in 机关第一党支部 (HX-B01) and 研发中心党支部 (HX-B02),
this year's open for peer grading in HX-B01 (member1 has a ballot to cast, some members have voted), and the
year's heart-to-heart talks of both committees, a few pairs still missing. Idempotent: an evaluation already there
for its branch and year is left alone, and talks are only added to a branch that has none this year."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from chuxin.members.models import Member
from chuxin.orgs.models import Organization

from . import selectors, services
from .models import Evaluation, Grade, Talk

SELF_ASSESSMENTS = [
    "本年度认真学习党的二十大精神和党章党规，按时参加“三会一课”和主题党日，完成了岗位工作任务。"
    "不足是理论学习还不够系统，联系群众不够经常，明年将制定个人学习计划，主动承担支部工作。",
    "能够坚定理想信念，在项目攻关中发挥党员先锋模范作用，按时足额交纳党费。"
    "存在的问题是批评与自我批评有顾虑，今后要敢于指出问题，加强与同事的沟通。",
    "积极参加志愿服务和结对共建活动，认真完成支部交办的宣传工作。"
    "对新业务学习不够深入，下一步将加强业务学习，做到党建和业务两促进。",
]
COMMENTS = {
    Grade.EXCELLENT: "全年表现突出，先锋模范作用明显，希望继续保持。",
    Grade.QUALIFIED: "能够履行党员义务，希望在理论学习上再下功夫。",
    Grade.BASICALLY_QUALIFIED: "组织生活参加不够经常，支部将安排谈心谈话帮助改进。",
}
NOTES = ["了解思想和工作情况，鼓励其在项目中发挥作用。", "听取对支部工作的意见建议。", "提醒按时参加组织生活。"]


def _conclude(org: Organization, year: int, today: datetime.date, rng: random.Random) -> None:
    if Evaluation.objects.filter(organization=org, year=year).exists():
        return
    evaluation = services.evaluation_open(
        actor=None, organization=org, year=year, self_assessment_due=datetime.date(year, 11, 20),
        grading_due=datetime.date(year, 11, 30), today=today)
    participants = list(evaluation.participants.select_related("member"))
    for i, p in enumerate(participants):
        services.self_assessment_write(actor=None, evaluation=evaluation, participant=p,
                                       text=SELF_ASSESSMENTS[i % len(SELF_ASSESSMENTS)])
    services.evaluation_advance(actor=None, evaluation=evaluation, step="start_grading")
    graded = [p for p in participants if p.graded]
    # Most members cast a ballot; each grades everyone else, mostly "qualified".
    for voter in participants[: max(1, len(participants) - 3)]:
        grades = {p.pk: rng.choice([Grade.EXCELLENT, Grade.QUALIFIED, Grade.QUALIFIED, Grade.QUALIFIED])
                  for p in graded if p.pk != voter.pk}
        services.ballot_cast(actor=None, evaluation=evaluation, grades=grades, voter=voter)
    services.evaluation_advance(actor=None, evaluation=evaluation, step="close_grading")
    cap = selectors.excellent_cap(evaluation, len(graded))
    final = {p.pk: Grade.EXCELLENT if i < cap else Grade.QUALIFIED for i, p in enumerate(graded)}
    if len(graded) > cap + 1:
        final[graded[-1].pk] = Grade.BASICALLY_QUALIFIED
    services.grades_propose(actor=None, evaluation=evaluation, grades=final,
                            comments={pk: COMMENTS[grade] for pk, grade in final.items()}, submit=True)
    services.evaluation_conclude(actor=None, evaluation=evaluation, grades=final,
                                 meeting_on=datetime.date(year, 12, 12), today=today,
                                 meeting_note="支部党员大会应到全体党员，实到人数过半，表决通过评定结果。")


def _open_for_grading(org: Organization, today: datetime.date, rng: random.Random) -> None:
    if Evaluation.objects.filter(organization=org, year=today.year).exists():
        return
    evaluation = services.evaluation_open(
        actor=None, organization=org, year=today.year, self_assessment_due=today - datetime.timedelta(days=3),
        grading_due=today + datetime.timedelta(days=2), today=today)
    participants = list(evaluation.participants.select_related("member__user"))
    for i, p in enumerate(participants):
        if i % 4 != 3:
            services.self_assessment_write(actor=None, evaluation=evaluation, participant=p,
                                           text=SELF_ASSESSMENTS[i % len(SELF_ASSESSMENTS)])
    services.evaluation_advance(actor=None, evaluation=evaluation, step="start_grading")
    graded = [p for p in participants if p.graded]
    # About half have voted; member1 (a login) has not, so their workbench asks for the ballot.
    for voter in [p for p in participants if p.member.user is None][: len(participants) // 2]:
        services.ballot_cast(actor=None, evaluation=evaluation, voter=voter, grades={
            p.pk: rng.choice([Grade.EXCELLENT, Grade.QUALIFIED, Grade.QUALIFIED]) for p in graded if p.pk != voter.pk})


def _talks(org: Organization, today: datetime.date, rng: random.Random) -> None:
    if Talk.objects.filter(organization=org, held_on__year=today.year).exists():
        return
    talkers = selectors.committee_members(org, today)
    members = list(selectors.members_on_roll(org))
    start = datetime.date(today.year, 1, 1)
    span = max(1, (today - start).days)
    for t, talker in enumerate(talkers):
        # Each committee member has talked with most members; the last few pairs are still missing.
        others = [m for m in members if m.pk != talker.pk]
        for i, member in enumerate(others[: max(1, len(others) - 2 - t)]):
            kind = Talk.Kind.REMINDER if i % 7 == 6 else Talk.Kind.ROUTINE
            services.talk_record(actor=None, organization=org, talker=talker, member=member,
                                 held_on=start + datetime.timedelta(days=rng.randrange(span + 1)), kind=kind,
                                 note=NOTES[i % len(NOTES)], today=today)


@transaction.atomic
def seed_demo_data(*, today: datetime.date) -> None:
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["HX-B01", "HX-B02"])}
    if len(orgs) < 2 or not Member.objects.filter(organization__in=orgs.values()).exists():
        return  # the demo unit is not there
    rng = random.Random(18)
    for code in ("HX-B01", "HX-B02"):
        _conclude(orgs[code], today.year - 1, today, rng)
    _open_for_grading(orgs["HX-B01"], today, rng)
    for code in ("HX-B01", "HX-B02"):
        _talks(orgs[code], today, rng)



