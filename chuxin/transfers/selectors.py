"""Reads of transfers: those leaving or coming to where the user reads, and the member's own."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.access import Need, can, fetch, scope_prefixes, scope_q, scope_ranges
from chuxin.core.db import Bound, PreparedExists
from chuxin.core.paths import ranges_q
from chuxin.core.protocols import HistoryRow, HistorySection, WorkItem

from .access import RECEIVING, RECEIVING_MANAGER, THE_MEMBER
from .models import Transfer

Status = Transfer.Status


def transfer_list(user, *, open_only: bool = False) -> QuerySet:
    qs = Transfer.objects.filter(scope_q(user, Need.READ, "organization_path")
                                 | scope_q(user, Need.READ, "destination_path"))
    if open_only:
        qs = qs.filter(status__in=[Status.REQUESTED, Status.APPROVED])
    return qs.select_related("member", "organization", "destination").order_by("-requested_on", "-id")


def access_transfer(user, pk, *, need: Need = Need.READ) -> Transfer:
    return fetch(user, Transfer.objects.select_related("member", "organization", "destination"), pk, need=need,
                 relations=[RECEIVING, RECEIVING_MANAGER, THE_MEMBER])


def _open_in(scope: Callable[[str], Q]) -> QuerySet[Transfer]:
    """Transfers requested or approved, sent from or to the scope (`scope(field)`: its filter on a path field)."""
    return (Transfer.objects.filter(status__in=[Status.REQUESTED, Status.APPROVED])
            .filter(scope("organization_path") | scope("destination_path")))


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`); nothing for those who manage nowhere."""
    bounds = scope_ranges(user, Need.MANAGE) if user.is_authenticated else []
    return [_PROBE.bind(bounds)] if bounds else []


_PROBE = PreparedExists(lambda bounds: _open_in(lambda field: ranges_q(bounds, field)))


def workbench_items(user) -> list[WorkItem]:
    """Requests to approve (sending side), transfers to accept (receiving side), letters whose return slip is
    overdue. Two queries."""
    if not user.is_authenticated or not scope_prefixes(user, Need.MANAGE):
        return []
    today = timezone.localdate()
    rows = (_open_in(lambda field: scope_q(user, Need.MANAGE, field))
            .select_related("member", "organization", "destination")[:100])
    mine = scope_prefixes(user, Need.MANAGE)

    def manages(path: str) -> bool:
        return bool(path) and any(path.startswith(p) for p in mine)

    items = []
    for t in rows:
        if t.status == Status.REQUESTED and manages(t.organization_path):
            state, due, overdue = _("to approve"), t.requested_on, False
        elif t.status == Status.APPROVED and t.kind == Transfer.Kind.WITHIN and manages(t.destination_path):
            state, due, overdue = _("to accept"), t.approved_on, False
        elif t.kind == Transfer.Kind.OUT and t.is_overdue(today) and manages(t.organization_path):
            state, due, overdue = _("return slip overdue"), t.letter_expires, True
        else:
            continue
        items.append(WorkItem(kind="transfer", title=_("Transfer: %(name)s → %(to)s") % {
            "name": t.member.name, "to": t.destination.name if t.destination else t.other_name},
            url=f"/transfers/{t.pk}/", due=due, state=state, organization=t.organization.name, overdue=overdue,
            uid=f"transfer-{t.pk}-{t.status}@chuxin"))
    return items


def overdue_letters(today) -> QuerySet:
    return Transfer.objects.filter(kind=Transfer.Kind.OUT, status=Status.APPROVED, return_slip_on__isnull=True,
                                   letter_on__isnull=False).select_related("member", "organization")


def q_in_scope(user) -> Q:
    return scope_q(user, Need.READ, "organization_path") | scope_q(user, Need.READ, "destination_path")


def member_history(member, user) -> list:
    """The member's transfers on their file (where from, where to, when), once there is one; for a manager of the
    member's organization also the way to start another. Two queries at most."""
    transfers = list(Transfer.objects.filter(member=member).select_related("organization", "destination")
                     .order_by("-requested_on", "-pk")[:20])
    if not transfers:
        return []  # a file with no transfer has no section (a new one starts from the transfers page)
    rows = []
    if member.status == "active" and can(user, member.organization, Need.MANAGE):
        rows.append(HistoryRow(date=None, text=_("Transfer this member to another organization"),
                               url=f"{reverse('transfers:create')}?member={member.pk}", note=_("start")))
    for t in transfers:
        where = t.destination.name if t.destination else t.other_name
        text = (f"{t.other_name} → {t.organization.name}" if t.kind == Transfer.Kind.IN
                else f"{t.organization.name} → {where}")
        rows.append(HistoryRow(date=t.accepted_on or t.return_slip_on or t.requested_on, text=text,
                               url=reverse("transfers:detail", args=[t.pk]), note=t.get_status_display()))
    return [HistorySection(title=_("Membership transfers"), rows=rows, order=40)]
