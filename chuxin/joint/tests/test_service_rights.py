"""Every write service of the joint committee checks its actor itself: a stranger and a branch secretary below the
host (no standing on the host, no seat) are refused, and nothing is written. The public request and its rating
take no account: the form's defences and the private token guard them (tests in test_joint.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from chuxin.joint import services
from chuxin.joint.models import Booking, Resource
from chuxin.orgs.models import PartnerUnit
from chuxin.plans.services import plan_create, plan_item_create
from chuxin.testing import make_user, not_refused, service_functions

READS = {"tally"}
PUBLIC = {"request_file", "request_rate"}


def test_every_write_service_refuses_an_actor_without_standing(world):
    host = world.pc
    unit = PartnerUnit.objects.create(host=host, name="共建单位")
    seat = services.seat_add(actor=world.worker, host=host, user=make_user("p1"), name="委员", partner_unit=unit)
    discussed = services.proposal_create(actor=world.worker, host=host, title="议题", background="背景")
    voting = services.proposal_create(actor=world.worker, host=host, title="表决", background="背景",
                                      asks_for_work=True)
    services.voting_open(actor=world.worker, proposal=voting)
    decided = services.proposal_create(actor=world.worker, host=host, title="已决", background="背景",
                                       asks_for_work=True)
    services.voting_open(actor=world.worker, proposal=decided)
    services.vote_cast(actor=seat.user, proposal=decided, choice="yes")
    decided = services.proposal_close(actor=world.worker, proposal=decided)
    plan = plan_create(actor=world.worker, organization=host, year=2031, title="计划", owner=world.worker)
    item = plan_item_create(actor=world.worker, plan=plan, area=plan.organization.plan_areas.first(), title="事项")
    filed = services.request_file(host=host, name="居民", contact="1", subject="诉求", text="内容")
    routed = services.request_file(host=host, name="居民", contact="1", subject="诉求2", text="内容")
    services.request_route(actor=world.worker, asked=routed, partner_unit=unit)
    room = Resource.objects.create(host=host, host_path=host.path, owner=unit, name="会议室",
                                   opens_at=datetime.time(0), closes_at=datetime.time(23, 59))
    start = timezone.now() + datetime.timedelta(days=2)
    booking = Booking.objects.create(resource=room, purpose="活动", starts_at=start,
                                     ends_at=start + datetime.timedelta(hours=1))
    today = timezone.localdate()
    tried = {
        "seat_add": lambda a: services.seat_add(actor=a, host=host, user=world.member_user, name="新"),
        "seat_end": lambda a: services.seat_end(actor=a, seat=seat),
        "proposal_create": lambda a: services.proposal_create(actor=a, host=host, title="新", background="背景"),
        "comment_add": lambda a: services.comment_add(actor=a, proposal=discussed, text="意见"),
        "voting_open": lambda a: services.voting_open(actor=a, proposal=discussed),
        "vote_cast": lambda a: services.vote_cast(actor=a, proposal=voting, choice="yes"),
        "proposal_close": lambda a: services.proposal_close(actor=a, proposal=voting),
        "proposal_task": lambda a: services.proposal_task(actor=a, proposal=decided, plan_item=item, title="任务",
                                                          start_on=today, due_on=today),
        "request_route": lambda a: services.request_route(actor=a, asked=filed, partner_unit=unit),
        "request_reply": lambda a: services.request_reply(actor=a, asked=routed, reply="答复"),
        "resource_save": lambda a: services.resource_save(actor=a, host=host, owner=unit, name="场地",
                                                          opens_at=datetime.time(8), closes_at=datetime.time(18)),
        "booking_request": lambda a: services.booking_request(
            actor=a, resource=room, unit=None, purpose="会", starts_at=start + datetime.timedelta(hours=3),
            ends_at=start + datetime.timedelta(hours=4)),
        "booking_decide": lambda a: services.booking_decide(actor=a, booking=booking, approve=True),
        "booking_cancel": lambda a: services.booking_cancel(actor=a, booking=booking),
    }
    assert set(tried) | READS | PUBLIC == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider) == []
