"""Demo activities and micro-wishes for the demo unit that `manage.py seed_demo` builds.

Past: the committee's volunteer service with its two partner units, closed with each participant's hours (on
their member files), and a branch's member activity day last month. Upcoming: HX-B01's activity day, full with two
people waiting; the committee's volunteer service next week with places left. Wishes of residents in every state.
Idempotent: nothing is made when the committee already has activities.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from chuxin.accounts.models import User
from chuxin.members.models import Member
from chuxin.orgs.models import Organization, PartnerUnit

from . import services
from .models import Activity, Participant, Wish


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _members(org: Organization, n: int) -> list[Member]:
    return list(Member.objects.filter(organization__path__startswith=org.path, status=Member.Status.ACTIVE)
                .order_by("pk")[:n])


def _held(org, title: str, kind: str, day: datetime.date, people: list[Member], *, place: str, partners=(),
          hours: list[Decimal | None] | None = None, actor=None) -> Activity:
    """An activity held on `day`: its participants checked in and out, then closed (the records written)."""
    activity = services.activity_create(actor=actor, organization=org, kind=kind, title=title, place=place,
                                        starts_at=_at(day, 9), ends_at=_at(day, 12), capacity=len(people) + 5,
                                        description="", partners=partners)
    for i, person in enumerate(people):
        spent = (hours[i] if hours else None) or Decimal("3")
        Participant.objects.create(activity=activity, member=person, state=Participant.State.SIGNED_UP,
                                   queued_at=_at(day - datetime.timedelta(days=5), 10, i % 60),
                                   checked_in_at=_at(day, 9), checked_out_at=_at(day, 9) + datetime.timedelta(
                                       hours=float(spent)), hours=spent)
    services.activity_close(actor=actor, activity=activity)
    return activity


def seed_demo_data(*, today: datetime.date) -> None:
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["HX-PC", "HX-B01", "HX-B02"])}
    if len(orgs) < 3 or Activity.objects.filter(organization=orgs["HX-PC"]).exists():
        return
    pc, b1, b2 = orgs["HX-PC"], orgs["HX-B01"], orgs["HX-B02"]
    partners = list(PartnerUnit.objects.filter(host=pc, is_active=True))
    secretary = User.objects.filter(username="secretary1").first()
    people = _members(pc, 12)
    last_month = today - datetime.timedelta(days=30)
    _held(pc, "“学雷锋”社区志愿服务：为老人义诊和理发", Activity.Kind.VOLUNTEER, last_month, people[:8],
          place="城南街道社区服务中心", partners=partners,
          hours=[Decimal("3"), Decimal("3"), Decimal("2.5"), Decimal("3"), Decimal("2"), Decimal("3"),
                 Decimal("3"), Decimal("1.5")])
    _held(b1, "党员活动日：清理小区楼道", Activity.Kind.ACTIVITY_DAY, today - datetime.timedelta(days=12),
          _members(b1, 5), place="华兴家园小区", actor=secretary)
    # HX-B01's activity day next week: full, two people on the waiting list.
    b1_people = _members(b1, 6)
    soon = services.activity_create(actor=secretary, organization=b1, kind=Activity.Kind.ACTIVITY_DAY,
                                    title="党员活动日：走访慰问困难党员", place="机关第一党支部活动室",
                                    starts_at=_at(today + datetime.timedelta(days=6), 14, 30),
                                    ends_at=_at(today + datetime.timedelta(days=6), 17),
                                    capacity=max(1, len(b1_people) - 2),
                                    description="集合后分三组走访，每组带慰问品。请穿党员徽章。")
    for person in b1_people:
        if person.user_id:
            services.participant_signup(actor=person.user, activity=soon)
        else:
            _place(soon, person)
    # The committee's volunteer service next week, co-organized with the partner units, with places left.
    week = services.activity_create(actor=None, organization=pc, kind=Activity.Kind.VOLUNTEER,
                                    title="“文明城市”志愿服务：交通路口文明劝导", place="人民路与解放路交叉口",
                                    starts_at=_at(today + datetime.timedelta(days=9), 7, 30),
                                    ends_at=_at(today + datetime.timedelta(days=9), 9, 30), capacity=20,
                                    description="早高峰文明劝导，现场发放志愿者马甲。", partners=partners)
    for person in _members(b2, 4):
        _place(week, person)
    _wishes(pc, people)


def _place(activity: Activity, person: Member) -> None:
    """A sign-up for a member without a login (the organizer signs them up on the list), in arrival order."""
    full = activity.participants.filter(state=Participant.State.SIGNED_UP).count() >= activity.capacity
    Participant.objects.get_or_create(activity=activity, member=person, defaults={
        "state": Participant.State.WAITING if full else Participant.State.SIGNED_UP, "queued_at": timezone.now()})


WISHES = [
    ("王奶奶", "138****0001", Wish.Who.ELDERLY, "家里的灯坏了，想请人帮忙换个灯泡。"),
    ("李同学", "139****0002", Wish.Who.STUDENT, "想借几本中国近代史方面的书，暑假读。"),
    ("张师傅", "137****0003", Wish.Who.RESIDENT, "小区门口的共享单车乱停，希望有人帮忙整理一次。"),
    ("刘阿姨", "136****0004", Wish.Who.ELDERLY, "想学会用手机给孙子视频通话。"),
    ("陈先生", "135****0005", Wish.Who.STAFF, "希望食堂能增加一份低盐菜。"),
    ("赵大爷", "133****0006", Wish.Who.ELDERLY, "想要一副老花镜，度数两百度左右。"),
    ("孙女士", "131****0007", Wish.Who.RESIDENT, "想给小区的流浪猫做个过冬的窝。"),
]


def _wishes(pc: Organization, people: list[Member]) -> None:
    made = [services.wish_submit(organization=pc, name=name, contact=contact, who=who, text=text)[0]
            for name, contact, who, text in WISHES]
    claimers = [p for p in people if p.user_id] or people
    # 0: waiting for review; 1, 2: published; 3: claimed; 4: declined; 5: fulfilled; 6: closed with feedback.
    for wish in made[1:4] + made[5:]:
        services.wish_review(actor=None, wish=wish, publish=True)
    services.wish_review(actor=None, wish=made[4], publish=False, reason="属于单位后勤事务，已转交食堂管理部门办理。")
    for i, wish in enumerate((made[3], made[5], made[6])):
        member = claimers[i % len(claimers)]
        Wish.objects.filter(pk=wish.pk).update(state=Wish.State.CLAIMED, claimed_by=member,
                                               claimed_at=timezone.now())
        wish.refresh_from_db()
    services.wish_fulfil(actor=None, wish=made[5], note="已到眼镜店配好老花镜，上门送到赵大爷家中。")
    services.wish_fulfil(actor=None, wish=made[6], note="周末和两名党员一起用纸箱和旧棉被做了三个猫窝。")
    services.wish_feedback(wish=made[6], rating=5, text="谢谢党员同志们，猫咪们有家了！")
