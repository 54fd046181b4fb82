"""The joint committee: quorum and majority, votes changeable until closed, the public request and its private
rating link, a flood of requests, and bookings that never overlap (also under concurrent approvals)."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from chuxin.joint import services
from chuxin.joint.models import Booking, Proposal, Resource, ServiceRequest
from chuxin.orgs.models import PartnerUnit
from chuxin.testing import make_user

HALF = Decimal("0.5")


@pytest.mark.parametrize(("seats", "yes", "no", "abstain", "outcome"), [
    (6, 2, 1, 0, "no_quorum"),  # 3 of 6 is not more than half
    (6, 3, 1, 0, "adopted"),
    (6, 2, 2, 0, "rejected"),  # a tie is no majority
    (5, 2, 0, 1, "adopted"),
    (5, 1, 0, 2, "rejected"),  # abstentions count as votes cast
])
def test_quorum_more_than_half_and_majority_of_those_voting(seats, yes, no, abstain, outcome):
    assert services.tally(seats=seats, yes=yes, no=no, abstain=abstain, quorum=HALF, majority=HALF) == outcome


@pytest.fixture
def committee(world):
    units = [PartnerUnit.objects.create(host=world.pc, name=f"共建单位{n}") for n in (1, 2)]
    seats = [services.seat_add(actor=world.worker, host=world.pc, user=make_user(f"p{n}"), name=f"委员{n}",
                               partner_unit=unit) for n, unit in enumerate(units, start=1)]
    seats.append(services.seat_add(actor=world.worker, host=world.pc, user=make_user("p3"), name="委员3"))
    return units, seats


def test_a_vote_is_changeable_until_closed_and_the_decision_is_recorded(world, committee):
    _units, seats = committee
    proposal = services.proposal_create(actor=seats[0].user, host=world.pc, title="议题", background="背景")
    services.voting_open(actor=world.worker, proposal=proposal)
    services.vote_cast(actor=seats[0].user, proposal=proposal, choice="no")
    services.vote_cast(actor=seats[0].user, proposal=proposal, choice="yes")
    services.vote_cast(actor=seats[1].user, proposal=proposal, choice="yes")
    proposal = services.proposal_close(actor=world.worker, proposal=proposal, decision="同意")
    assert (proposal.outcome, proposal.yes, proposal.no) == (Proposal.Outcome.ADOPTED, 2, 0)
    with pytest.raises(ValidationError):
        services.vote_cast(actor=seats[2].user, proposal=proposal, choice="no")


def test_a_resident_files_a_request_a_partner_answers_and_the_resident_rates_it(world, committee, client):
    units, seats = committee
    url = reverse("joint:ask", kwargs={"pk": world.pc.pk})
    form = client.get(url)
    stamp = form.context["form"].initial["shown"]
    response = client.post(url, {"name": "居民甲", "contact": "13800001111", "subject": "路灯",
                                 "text": "<script>alert(1)</script>路灯坏了", "shown": stamp})
    filed = ServiceRequest.objects.get()
    assert response["Location"] == reverse("joint:feedback", kwargs={"token": filed.token})
    services.request_route(actor=world.worker, asked=filed, partner_unit=units[0])
    with pytest.raises(Exception):  # noqa: B017 - another unit's member may not answer
        services.request_reply(actor=seats[1].user, asked=filed, reply="不是我们")
    services.request_reply(actor=seats[0].user, asked=filed, reply="已修好")
    page = client.get(reverse("joint:feedback", kwargs={"token": filed.token}))
    assert "已修好" in page.content.decode() and "13800001111" not in page.content.decode()
    client.post(reverse("joint:feedback", kwargs={"token": filed.token}),
                {"rating": "5", "shown": page.context["form"].initial["shown"]})
    filed.refresh_from_db()
    assert (filed.status, filed.rating) == (ServiceRequest.Status.CLOSED, 5)
    assert client.get(reverse("joint:feedback", kwargs={"token": "x" * 32})).status_code == 404


def test_a_flood_of_public_requests_is_refused_and_writes_nothing(world, committee, client):
    url = reverse("joint:ask", kwargs={"pk": world.pc.pk})
    stamp = client.get(url).context["form"].initial["shown"]
    answers = [client.post(url, {"name": "甲", "contact": "1", "subject": f"s{n}", "text": "t", "shown": stamp}
                           ).status_code for n in range(8)]
    assert answers.count(302) == 5 and answers[-1] == 429
    assert ServiceRequest.objects.count() == 5


def test_the_honeypot_refuses_a_bot(world, committee, client):
    url = reverse("joint:ask", kwargs={"pk": world.pc.pk})
    stamp = client.get(url).context["form"].initial["shown"]
    client.post(url, {"name": "甲", "contact": "1", "subject": "s", "text": "t", "shown": stamp,
                      "website": "http://spam"})
    assert not ServiceRequest.objects.exists()


def _room(world, owner):
    return Resource.objects.create(host=world.pc, host_path=world.pc.path, owner=owner, name="会议室",
                                   opens_at=datetime.time(0, 0), closes_at=datetime.time(23, 59))


def _slot(hours_from: int, length: int = 2):
    day = timezone.localdate() + datetime.timedelta(days=2)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8 + hours_from)))
    return start, start + datetime.timedelta(hours=length)


def test_an_overlapping_booking_is_refused(world, committee):
    units, seats = committee
    room = _room(world, units[0])
    start, end = _slot(0)
    first = services.booking_request(actor=seats[1].user, resource=room, unit=units[1], purpose="党课",
                                     starts_at=start, ends_at=end)
    services.booking_decide(actor=seats[0].user, booking=first, approve=True)
    with pytest.raises(ValidationError, match="已被预订|already booked"):
        services.booking_request(actor=world.worker, resource=room, unit=None, purpose="会议",
                                 starts_at=start + datetime.timedelta(hours=1), ends_at=end + datetime.timedelta(hours=1))


@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_overlapping_bookings_at_once_approve_one():
    if connection.vendor != "postgresql":
        pytest.skip("simultaneous requests need PostgreSQL (SQLite lets one writer in at a time)")
    from chuxin.testing import build_world

    world = build_world()
    unit = PartnerUnit.objects.create(host=world.pc, name="共建单位")
    room = _room(world, unit)
    start, end = _slot(0)
    bookings = [Booking.objects.create(resource=room, purpose=f"b{n}", starts_at=start + datetime.timedelta(minutes=n),
                                       ends_at=end) for n in range(2)]
    barrier, errors = threading.Barrier(2), []

    def approve(booking):
        barrier.wait()
        try:
            services.booking_decide(actor=world.worker, booking=booking, approve=True)
        except ValidationError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(b,)) for b in bookings]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Booking.objects.filter(status="approved").count() == 1 and len(errors) == 1


def test_a_requesters_contact_is_shown_to_its_handlers_only(world, committee, client_for):
    units, seats = committee
    filed = services.request_file(host=world.pc, name="居民乙", contact="13800002222", subject="诉求", text="内容")
    services.request_route(actor=world.worker, asked=filed, partner_unit=units[0])
    url = reverse("joint:request", args=[filed.pk])
    assert "13800002222" in client_for(seats[0].user).get(url).content.decode()
    assert "13800002222" not in client_for(seats[1].user).get(url).content.decode()


def test_a_public_request_sent_twice_is_filed_once(world, committee, client):
    url = reverse("joint:ask", kwargs={"pk": world.pc.pk})
    stamp = client.get(url).context["form"].initial["shown"]
    data = {"name": "甲", "contact": "1", "subject": "重复", "text": "内容", "shown": stamp}
    first, second = client.post(url, data), client.post(url, data)
    assert first["Location"] == second["Location"]
    assert ServiceRequest.objects.count() == 1
