"""Points (积分): a consumer of work records. Opt-in: nothing is awarded unless the person's organization (the
record's) has switched points on (core rule `points_enabled`) and a PointRule there or above names the record's
kind. The ledger is append-only, one entry per person and record (a unique constraint): the records themselves are
written once, so a double submit or a replay never reaches here twice, and if it did the constraint holds.

Caps: at most `daily_cap` points of one kind on the record's day and `weekly_cap` in its ISO week; a once-only
item earns once ever. Runs inside the producer's transaction (chuxin.records.services.record_work).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Sum

from . import selectors
from .models import PointEntry


def _people(record) -> list[int]:
    """The accounts of the record's people: its users, and its members' (their files carry the account's id)."""
    users = {u.pk for u in getattr(record, "_users", [])}
    users |= {m.user_id for m in getattr(record, "_members", []) if getattr(m, "user_id", None)}
    return sorted(users)


def award(record) -> list[PointEntry]:
    org = record.organization
    if not selectors.points_enabled(org):
        return []
    rule = selectors.point_rules_for(org).get(record.kind)
    if rule is None or not rule.points:
        return []
    week_start = record.on - datetime.timedelta(days=record.on.weekday())
    made = []
    for user_id in _people(record):
        mine = PointEntry.objects.filter(user_id=user_id, kind=record.kind)
        if rule.once_only and mine.exists():
            continue
        points = rule.points
        if rule.daily_cap is not None:
            used = mine.filter(on=record.on).aggregate(s=Sum("points"))["s"] or 0
            points = min(points, rule.daily_cap - used)
        if rule.weekly_cap is not None:
            used = mine.filter(on__range=(week_start, week_start + datetime.timedelta(days=6))).aggregate(
                s=Sum("points"))["s"] or 0
            points = min(points, rule.weekly_cap - used)
        if points <= 0:
            continue
        try:
            with transaction.atomic():
                made.append(PointEntry.objects.create(
                    user_id=user_id, organization=org, organization_path=record.organization_path, record=record,
                    rule=rule, kind=record.kind, points=points, label=record.label[:200], on=record.on))
        except IntegrityError:
            continue
    return made
