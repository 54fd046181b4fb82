"""Who takes part in a joint committee.

Standing on the host organization works as everywhere (READ to follow its work, MANAGE to run it). A partner unit's
part-time member has no standing in our tree: their seat on the committee is a personal relation (SEAT) that lets
them follow the committee's work; HANDLER lets the members of the partner unit a request was routed to answer it;
OWNER lets a partner unit's members decide the bookings of the resources it offers.
"""

from __future__ import annotations

from chuxin.core.access import Need, Relation, rank_on


def seat_of(user, host_id: int):
    """The user's active seat on the host's joint committee (kept per request on the user), or None."""
    if not user.is_authenticated:
        return None
    memo = user.__dict__.setdefault("_joint_seats", None)
    if memo is None:
        from .models import Seat

        memo = {seat.host_id: seat for seat in Seat.objects.filter(user=user, is_active=True)}
        user._joint_seats = memo
    return memo.get(host_id)


def _host(obj):
    return getattr(obj, "host", obj)


def _sits(user, obj) -> bool:
    return seat_of(user, _host(obj).pk) is not None


def _unit_seat(unit_attribute: str):
    def test(user, obj) -> bool:
        seat = seat_of(user, _host(obj).pk)
        unit_id = getattr(obj, unit_attribute)
        return bool(seat is not None and unit_id is not None and seat.partner_unit_id == unit_id)

    return test


SEAT = Relation("a joint committee member", _sits, Need.READ)
HANDLER = Relation("the partner unit handling it", _unit_seat("partner_unit_id"), Need.MANAGE)
OWNER = Relation("the partner unit offering it", _unit_seat("owner_id"), Need.MANAGE)


def takes_part(user, host) -> bool:
    return rank_on(user, host.path) >= Need.READ or seat_of(user, host.pk) is not None


def runs(user, host) -> bool:
    return rank_on(user, host.path) >= Need.MANAGE
