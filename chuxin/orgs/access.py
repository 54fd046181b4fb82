"""What committee seats contribute to the access policy (chuxin.core.access), declared in this app's hooks.

A seat gives no standing (role grants do), but the reverse question "who answers for this organization" counts
the person serving in its secretary's seat: they are told about its directives and reminded of its reports."""

from __future__ import annotations

import datetime

from django.db.models import F, Q, QuerySet

from chuxin.core.access import Need

from .models import Position


def seat_holders(paths: list[str], need: int, on: datetime.date) -> QuerySet:
    """The registry's `serving` hook: the accounts of members serving on day `on` as secretary of an
    organization whose path is in `paths` (the secretary answers for it at MANAGE), as rows (holder, held_path)."""
    if need > Need.MANAGE:
        return Position.objects.none().values(holder=F("member__user_id"), held_path=F("organization__path"))
    return (
        Position.objects.filter(organization__path__in=paths, kind=Position.Kind.SECRETARY, started_on__lte=on,
                                member__user__isnull=False)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .values(holder=F("member__user_id"), held_path=F("organization__path"))
    )
