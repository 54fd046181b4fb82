"""Open joint-service requests and bookings to decide on the handler's workbench; overdue requests reminded."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chuxin.core.access import Need, scope_ranges
from chuxin.core.db import Bound
from chuxin.core.protocols import Reminder, WorkItem

from .models import Seat, ServiceRequest
from .selectors import HOSTS_PROBE, PROBE, my_booking_decisions, my_open_requests


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`): requests routed to the user's units, their
    bookings to decide, and where they manage, new requests on their hosts."""
    if not user.is_authenticated:
        return []
    bounds = scope_ranges(user, Need.MANAGE)
    return [PROBE.bind(user.pk, timezone.now()), *([HOSTS_PROBE.bind(bounds)] if bounds else [])]


def workbench_items(user) -> list[WorkItem]:
    items = []
    for filed in my_open_requests(user)[:50]:
        state = _("overdue") if filed.is_overdue else (_("to route") if filed.status == "new" else _("to answer"))
        items.append(WorkItem(kind="joint", title=filed.subject, url=reverse("joint:request", args=[filed.pk]),
                              due=filed.due_on, state=state, organization=filed.host.name,
                              overdue=filed.is_overdue, uid=f"joint-request-{filed.pk}@chuxin"))
    for booking in my_booking_decisions(user)[:50]:
        items.append(WorkItem(kind="joint", title=f"{booking.resource.name}: {booking.purpose}",
                              url=reverse("joint:resource", args=[booking.resource_id]),
                              due=booking.starts_at.date(), state=_("booking to decide"),
                              organization=booking.resource.host.name, uid=f"joint-booking-{booking.pk}@chuxin"))
    return items


def due_reminders(today: datetime.date) -> list[Reminder]:
    """Each member of the partner unit holding an overdue request, once per due date."""
    overdue = list(ServiceRequest.objects.filter(status=ServiceRequest.Status.ROUTED, due_on__lt=today)
                   .select_related("partner_unit"))
    units = {r.partner_unit_id for r in overdue}
    holders: dict[int, list] = {}
    for seat in Seat.objects.filter(partner_unit__in=units, is_active=True).select_related("user"):
        holders.setdefault(seat.partner_unit_id, []).append(seat.user)
    return [Reminder(recipient=user, kind="overdue", target=filed,
                     title=gettext_noop("Joint-service request overdue: %(subject)s"),
                     params={"subject": filed.subject}, url=reverse("joint:request", args=[filed.pk]),
                     dedup_key=f"due:{filed.due_on:%Y-%m-%d}")
            for filed in overdue for user in holders.get(filed.partner_unit_id, [])]
