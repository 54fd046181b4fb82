"""Demo: the first host organization with partner units gets a joint committee (seats for the demo's worker and
one account per partner unit), a decided proposal, joint-service requests in each state and bookings."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from chuxin.orgs.models import PartnerUnit

from . import services
from .models import Proposal, Resource, Seat


def seed_demo_data(*, today: datetime.date) -> None:
    units = list(PartnerUnit.objects.filter(is_active=True).select_related("host").order_by("host__path", "pk"))
    if not units:
        return
    host = units[0].host
    units = [u for u in units if u.host_id == host.pk][:3]
    if Seat.objects.filter(host=host).exists():
        return
    User = get_user_model()
    # The partner units' members log in like the demo's other people: with the demo worker's password (copied as
    # its hash, so this app names no password).
    worker = User.objects.filter(username="worker").first()
    seats = []
    for n, unit in enumerate(units, start=1):
        user, created = User.objects.get_or_create(username=f"partner{n}", defaults={
            "display_name": f"{unit.name}联络员", "must_change_password": False})
        if created:
            if worker is not None:
                user.password = worker.password
            else:
                user.set_unusable_password()
            user.save()
        seats.append(services.seat_add(actor=None, host=host, user=user, name=user.display_name or user.username,
                                       partner_unit=unit))
    if worker is not None:
        services.seat_add(actor=None, host=host, user=worker, name=worker.display_name or worker.username)
    proposal = services.proposal_create(actor=None, host=host, title="共建“红色驿站”便民服务点",
                                        background="在辖区主干道设置便民服务点，由各共建单位轮流值守。",
                                        asks_for_work=True)
    services.voting_open(actor=None, proposal=proposal)
    for seat in seats:
        services.vote_cast(actor=seat.user, proposal=proposal, choice="yes")
    services.proposal_close(actor=None, proposal=proposal, decision="同意设立，由各共建单位按月轮值。")
    Proposal.objects.get_or_create(host=host, host_path=host.path, title="联合开展重阳节敬老活动",
                                   defaults={"background": "<p>提议与共建单位联合开展敬老活动。</p>"})
    texts = [("路灯损坏", "小区东门路灯不亮已一周。"), ("老年食堂", "想了解老年食堂的开放时间。"),
             ("停车难", "希望协调共建单位周末开放停车场。"), ("垃圾分类", "希望开展垃圾分类宣传。")]
    filed = [services.request_file(host=host, name="居民" + str(n), contact=f"1380000{n:04d}", subject=s, text=t)
             for n, (s, t) in enumerate(texts, start=1)]
    services.request_route(actor=None, asked=filed[1], partner_unit=units[0])
    services.request_route(actor=None, asked=filed[2], partner_unit=units[-1])
    services.request_reply(actor=None, asked=filed[2], reply="周末停车场已对居民开放。")
    services.request_route(actor=None, asked=filed[3], partner_unit=units[0])
    services.request_reply(actor=None, asked=filed[3], reply="下周三在社区广场开展宣传。")
    services.request_rate(token=filed[3].token, rating=5, feedback="很及时")
    room = Resource.objects.create(host=host, host_path=host.path, owner=units[0], kind=Resource.Kind.ROOM,
                                   name=f"{units[0].name}会议室", capacity=30, opens_at=datetime.time(8, 30),
                                   closes_at=datetime.time(17, 30), opening_days="周一至周五")
    day = timezone.localdate() + datetime.timedelta(days=3)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    other = units[-1] if len(units) > 1 else None
    approved = services.booking_request(actor=None, resource=room, unit=other, purpose="主题党日活动",
                                        starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    services.booking_decide(actor=None, booking=approved, approve=True)
    services.booking_request(actor=None, resource=room, unit=other, purpose="党课",
                             starts_at=start + datetime.timedelta(hours=4), ends_at=start + datetime.timedelta(hours=6))
