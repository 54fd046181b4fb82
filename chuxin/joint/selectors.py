"""Reads of the joint committee, narrowed to what the user may see."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from chuxin.core.access import Need, fetch, scope_q
from chuxin.core.db import PreparedExists
from chuxin.core.paths import ranges_q
from chuxin.orgs.models import Organization, PartnerUnit

from .access import HANDLER, OWNER, SEAT
from .models import Booking, Proposal, Resource, Seat, ServiceRequest


def committees(user) -> QuerySet[Organization]:
    """Hosts the user follows: organizations with partner units in their READ scope, or where they hold a seat."""
    seated = Seat.objects.filter(user=user, is_active=True).values("host")
    return (Organization.objects.filter((scope_q(user, Need.READ) & Q(partner_units__isnull=False))
                                        | Q(pk__in=seated), status=Organization.Status.ACTIVE)
            .distinct().order_by("path"))


def access_host(user, pk) -> Organization:
    return fetch(user, Organization.objects.all(), pk, need=Need.READ, organization="", relations=(SEAT,))


def partner_units(host) -> QuerySet[PartnerUnit]:
    return PartnerUnit.objects.filter(host=host, is_active=True).order_by("name")


def seats(host) -> QuerySet[Seat]:
    return Seat.objects.filter(host=host, is_active=True).select_related("partner_unit", "user")


def proposals(host) -> QuerySet[Proposal]:
    return Proposal.objects.filter(host=host).annotate(n_votes=Count("votes")).order_by("-created_at")


def requests(host, *, user=None, status: str = "") -> QuerySet[ServiceRequest]:
    qs = ServiceRequest.objects.filter(host=host).select_related("partner_unit").order_by("-created_at")
    return qs.filter(status=status) if status else qs


def resources(host) -> QuerySet[Resource]:
    return Resource.objects.filter(host=host).select_related("owner").order_by("name")


def bookings(resource) -> QuerySet[Booking]:
    return (Booking.objects.filter(resource=resource, ends_at__gte=timezone.now())
            .exclude(status=Booking.Status.CANCELLED).select_related("unit", "requested_by").order_by("starts_at"))


def access_proposal(user, pk, *, need: Need) -> Proposal:
    return fetch(user, Proposal.objects.select_related("host", "proposed_by"), pk, need=need,
                 organization="host", relations=(SEAT,))


def access_request(user, pk, *, need: Need) -> ServiceRequest:
    return fetch(user, ServiceRequest.objects.select_related("host", "partner_unit"), pk, need=need,
                 organization="host", relations=(HANDLER, SEAT))


def access_resource(user, pk, *, need: Need) -> Resource:
    return fetch(user, Resource.objects.select_related("host", "owner"), pk, need=need, organization="host",
                 relations=(OWNER, SEAT))


def access_booking(user, pk, *, need: Need) -> Booking:
    return fetch(user, Booking.objects.select_related("resource", "resource__host", "resource__owner", "unit"), pk,
                 need=need, organization="resource.host", relations=(OWNER.of("resource"), SEAT.of("resource")))


def access_seat(user, pk, *, need: Need) -> Seat:
    return fetch(user, Seat.objects.select_related("host"), pk, need=need, organization="host")


def public_host(pk) -> Organization:
    """The host whose public request form is at /joint/ask/<pk>/: an active organization with partner units."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    host = Organization.objects.filter(pk=number, status=Organization.Status.ACTIVE,
                                       partner_units__is_active=True).distinct().first()
    if host is None:
        raise Http404
    return host


def request_by_token(token: str) -> ServiceRequest:
    request = (ServiceRequest.objects.select_related("host", "partner_unit").filter(token=token).first()
               if 16 <= len(token or "") <= 64 else None)
    if request is None:
        raise Http404
    return request


def my_open_requests(user) -> QuerySet[ServiceRequest]:
    """Requests routed to a partner unit the user sits for, not yet answered; and new ones on hosts they run."""
    return (ServiceRequest.objects.filter(_routed_to_q(user) | _new_on_q(scope_q(user, Need.MANAGE, "host_path")))
            .select_related("host").order_by("due_on", "created_at"))


def my_booking_decisions(user, now: datetime.datetime | None = None) -> QuerySet[Booking]:
    return (_bookings_to_decide(user, now or timezone.now())
            .select_related("resource", "resource__host").order_by("starts_at"))


def _units(user) -> QuerySet[Seat]:
    """The partner units the user sits for (`user`: an account or its id)."""
    return Seat.objects.filter(user=user, is_active=True, partner_unit__isnull=False).values("partner_unit")


def _new_on_q(hosts: Q) -> Q:
    """New requests on the hosts `hosts` filters (a scope's filter on the host's path)."""
    return Q(status=ServiceRequest.Status.NEW) & hosts


def _routed_to_q(user) -> Q:
    return Q(status=ServiceRequest.Status.ROUTED, partner_unit__in=_units(user))


def _bookings_to_decide(user, now: datetime.datetime) -> QuerySet[Booking]:
    return Booking.objects.filter(status=Booking.Status.REQUESTED, resource__owner__in=_units(user),
                                  starts_at__gte=now)


# The workbench's probes (chuxin.joint.workbench): what my_open_requests and my_booking_decisions read of the
# person's own, and where they manage, the new requests on their hosts (the ranges of their scope).
PROBE = PreparedExists(lambda user_id, now: (ServiceRequest.objects.filter(_routed_to_q(user_id)),
                                             _bookings_to_decide(user_id, now)))
HOSTS_PROBE = PreparedExists(lambda bounds: ServiceRequest.objects.filter(_new_on_q(ranges_q(bounds, "host_path"))))
