"""The joint committee's URLs for the role matrix. At each place (B1, B2, X2) the organization hosts a joint
committee with one partner unit and no seats (the matrix's people stand by role, not by seat): a proposal under
discussion, a new joint-service request, a resource of the partner unit with a requested booking. Voting needs a
seat, so everyone is refused; cancelling a booking is for its requester or whoever decides it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from chuxin.testing import FORBIDDEN, M, R, Route, anywhere, get_and_post, obj


def _proposal(env, where):
    from chuxin.joint.models import Proposal

    org = env.org(where)
    return env.once(("joint-proposal", where), lambda: Proposal.objects.create(
        host=org, host_path=org.path, title=f"议题-{where}", background="<p>背景</p>"))


def _request(env, where):
    from chuxin.joint.models import ServiceRequest

    org = env.org(where)
    env.partner(where)
    return env.once(("joint-request", where), lambda: ServiceRequest.objects.create(
        host=org, host_path=org.path, name="居民", contact="13800000000", subject=f"诉求-{where}", text="内容"))


def _resource(env, where):
    from chuxin.joint.models import Resource

    org = env.org(where)
    return env.once(("joint-resource", where), lambda: Resource.objects.create(
        host=org, host_path=org.path, owner=env.partner(where), name=f"会议室-{where}",
        opens_at=datetime.time(8), closes_at=datetime.time(18)))


def _booking(env, where):
    from chuxin.joint.models import Booking

    start = timezone.now() + datetime.timedelta(days=2)
    return env.once(("joint-booking", where), lambda: Booking.objects.create(
        resource=_resource(env, where), purpose="活动", starts_at=start,
        ends_at=start + datetime.timedelta(hours=1)))


def _seat(env, where):
    from chuxin.joint.models import Seat
    from chuxin.testing import make_user

    # Fresh each time: ending it is allowed again (it stays, inactive).
    user = env.once(("joint-seat-user", where), lambda: make_user(f"seat-{where}"))
    seat, _created = Seat.objects.get_or_create(host=env.org(where), user=user, defaults={"name": "席位"})
    return seat


def routes() -> dict:
    def host(env, where):
        env.partner(where)
        return {"pk": env.org(where).pk}, {}

    def proposal(env, where):
        return {"pk": _proposal(env, where).pk}, {}

    def request(env, where):
        return {"pk": _request(env, where).pk}, {}

    def resource(env, where):
        return {"pk": _resource(env, where).pk}, {}

    def booking(env, where):
        return {"pk": _booking(env, where).pk}, {}

    def seat(env, where):
        return {"pk": _seat(env, where).pk}, {}

    def public_host(env, where):
        env.partner(where)
        return {"pk": env.org(where).pk}, {}

    def token(env, where):
        return {"token": _request(env, where).token}, {}

    no_seat = {(role, where): FORBIDDEN for role, where in (
        ("committee", "B1"), ("secretary", "B1"), ("outsider", "B2"), ("viewer", "B1"), ("worker", "B1"),
        ("superuser", "X2"))}
    not_deciding = {("committee", "B1"): FORBIDDEN, ("viewer", "B1"): FORBIDDEN}
    return {
        "joint:home": [anywhere("get", R)],
        "joint:committee": [obj("get", R, host)],
        "joint:seats": get_and_post(obj("get", M, host)),
        "joint:seat-end": [obj("post", M, seat)],
        "joint:proposal-create": get_and_post(obj("get", R, host)),
        "joint:proposal": [obj("get", R, proposal)],
        "joint:comment": [obj("post", R, proposal)],
        "joint:vote": [obj("post", R, proposal, special=no_seat)],
        "joint:proposal-step": [obj("post", M, proposal)],
        "joint:proposal-task": get_and_post(obj("get", M, proposal)),
        "joint:request": [obj("get", R, request)],
        "joint:request-route": [obj("post", M, request)],
        "joint:request-reply": [obj("post", M, request)],
        "joint:resource-create": get_and_post(obj("get", M, host)),
        "joint:resource": get_and_post(obj("get", R, resource)),
        "joint:booking-decide": [obj("post", M, booking)],
        "joint:booking-cancel": [obj("post", R, booking, special=not_deciding)],
        "joint:ask": get_and_post(Route("get", None, "public", public_host)),
        "joint:feedback": get_and_post(Route("get", None, "public", token)),
    }
