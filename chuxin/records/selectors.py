"""Reads of the work-record stream: "kind, organization subtree, date range", one indexed range query.

The periodic reports' pre-filled facts are `period_facts` below: a count per record kind that declares a fact
label, with the first titles, labels owned by the kinds (chuxin.core.registry.RecordKind).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count, QuerySet

from chuxin.core import registry
from chuxin.core.paths import ranges_q, subtree_q
from chuxin.core.protocols import Fact

from .models import WorkRecord


def records_in(
    organization, *, kinds: Iterable[str] | None = None, start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[WorkRecord]:
    """Records of the organization and everything under it, of `kinds`, dated within [start, end]."""
    qs = WorkRecord.objects.filter(subtree_q(organization.path, "organization_path"))
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if start is not None:
        qs = qs.filter(on__gte=start)
    if end is not None:
        qs = qs.filter(on__lte=end)
    return qs


def records_between(bounds: list[str], kinds: list[str], start: datetime.date, end: datetime.date) -> QuerySet[WorkRecord]:
    """records_in from plain values, for a query compiled once (chuxin.core.db.PreparedRows): the subtree as its
    bounds (chuxin.core.paths.subtree_bounds), every argument given."""
    return WorkRecord.objects.filter(ranges_q(bounds, "organization_path"), kind__in=kinds, on__gte=start, on__lte=end)


def has_records(target) -> bool:
    """Whether any record is about `target` (a model instance): work recorded about it is on file for good, so
    the producer keeps the target too (a task that produced a record cannot be deleted)."""
    return WorkRecord.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).exists()


def records_of_year(year: int, *, kinds: Iterable[str]) -> QuerySet[WorkRecord]:
    """Every record of `kinds` dated in `year`, oldest first, with its organization and people."""
    return (
        WorkRecord.objects.filter(kind__in=list(kinds), on__year=year)
        .select_related("organization").prefetch_related("users", "members").order_by("on", "pk")
    )


def period_facts(organization, start: datetime.date, end: datetime.date, *, limit: int = 10) -> list[Fact]:
    """One Fact per record kind with a fact label (1 query, and 1 more per kind with records in the period)."""
    kinds = {code: kind for code, kind in registry.record_kinds().items() if kind.fact is not None}
    if not kinds:
        return []
    counts = dict(
        records_in(organization, kinds=kinds, start=start, end=end)
        .values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    facts = []
    for code, kind in sorted(kinds.items(), key=lambda pair: pair[1].fact_order):
        n = counts.get(code, 0)  # a zero is a fact too: the panel shows it; the summary writes no sentence for it
        titles = list(
            records_in(organization, kinds=[code], start=start, end=end)
            .order_by("on", "pk").values_list("label", flat=True)[:limit]
        ) if n else []
        sentence = str(kind.fact_sentence) % {"n": n} if kind.fact_sentence else ""
        facts.append(Fact(code=code, label=str(kind.fact), count=n, items=titles, sentence=sentence))
    return facts
