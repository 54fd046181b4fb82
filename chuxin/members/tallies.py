"""Counters of members on the roll per organization subtree (MemberTally), kept by the writes.

Every write that can change who is on the roll where passes what it changed here, in its own transaction:
the member services (create, update: a transfer, a status or category change, a removal from the roll), the
import, the organization move (orgs.services), the seed commands. A member counts in the tally of their
organization and of every organization above it; so a change is a delta on the organization's path, rolled up to
its ancestors, and written with one UPDATE per distinct delta. `recount` rebuilds every tally from the members
(`manage.py recount_members`), and `tallies_match` compares them with a fresh count (the tests, the command's
--check).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, Q

from chuxin.core.paths import ancestor_paths

from .models import Member, MemberTally

# (organization path, status, category) of a member, before or after a write; None: no such member.
State = tuple[str, str, str] | None


def state_of(member: Member, path: str | None = None) -> State:
    return (path if path is not None else member.organization.path, member.status, member.category)


def _delta(state: State, sign: int) -> tuple[str, int, int] | None:
    if state is None:
        return None
    path, status, category = state
    if status != Member.Status.ACTIVE:
        return None
    full = sign if category == Member.Category.FULL else 0
    return path, full, sign - full


def tally_changes(changes: Iterable[tuple[State, State]]) -> None:
    """Apply (before, after) pairs: one member each. A few queries whatever their number."""
    by_path: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for before, after in changes:
        for delta in (_delta(before, -1), _delta(after, +1)):
            if delta is not None:
                by_path[delta[0]][0] += delta[1]
                by_path[delta[0]][1] += delta[2]
    tally_add({path: (full, prob) for path, (full, prob) in by_path.items()})


def tally_add(deltas: dict[str, tuple[int, int]]) -> None:
    """Add (full, probationary) to the tally of each path's organization and of every organization above it."""
    from chuxin.orgs.models import Organization

    rolled: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path, (full, prob) in deltas.items():
        for prefix in ancestor_paths(path):
            rolled[prefix][0] += full
            rolled[prefix][1] += prob
    rolled = {path: d for path, d in rolled.items() if d != [0, 0]}
    if not rolled:
        return
    ids = dict(Organization.objects.filter(path__in=list(rolled)).values_list("path", "id"))
    MemberTally.objects.bulk_create([MemberTally(organization_id=pk) for pk in ids.values()], ignore_conflicts=True)
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for path, pk in ids.items():
        groups[tuple(rolled[path])].append(pk)
    for (full, prob), pks in groups.items():
        MemberTally.objects.filter(organization_id__in=pks).update(
            full=F("full") + full, probationary=F("probationary") + prob
        )


def fresh_counts(prefix: str = "") -> dict[int, tuple[int, int]]:
    """{organization id: (full, probationary)} counted from the members now, rolled up (the truth)."""
    from chuxin.orgs.models import Organization

    own = (
        Member.objects.filter(status=Member.Status.ACTIVE, organization__path__startswith=prefix)
        .values_list("organization__path")
        .annotate(
            full=Count("id", filter=Q(category=Member.Category.FULL)),
            prob=Count("id", filter=Q(category=Member.Category.PROBATIONARY)),
        )
        .values_list("organization__path", "full", "prob")
    )
    rolled: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path, full, prob in own:
        for ancestor in ancestor_paths(path):
            rolled[ancestor][0] += full
            rolled[ancestor][1] += prob
    ids = dict(Organization.objects.filter(path__startswith=prefix).values_list("path", "id"))
    return {pk: tuple(rolled.get(path, (0, 0))) for path, pk in ids.items()}


def stored_counts() -> dict[int, tuple[int, int]]:
    return {pk: (f, p) for pk, f, p in MemberTally.objects.values_list("organization_id", "full", "probationary")}


def tallies_match() -> list[tuple[int, tuple[int, int], tuple[int, int]]]:
    """The organizations whose tally differs from a fresh count: [(id, stored, counted)]; empty when all agree
    (an organization without a tally row counts as (0, 0))."""
    fresh, stored = fresh_counts(), stored_counts()
    return [
        (pk, stored.get(pk, (0, 0)), counted)
        for pk, counted in sorted((fresh | {pk: (0, 0) for pk in stored if pk not in fresh}).items())
        if stored.get(pk, (0, 0)) != counted
    ]


def recount(batch: int = 5000) -> int:
    """Rebuild every tally from the members. Returns how many organizations have members on the roll."""
    fresh = fresh_counts()
    MemberTally.objects.all().delete()
    rows = [MemberTally(organization_id=pk, full=f, probationary=p) for pk, (f, p) in fresh.items() if f or p]
    MemberTally.objects.bulk_create(rows, batch_size=batch)
    return len(rows)
