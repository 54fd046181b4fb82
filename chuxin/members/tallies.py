"""Counters of members on the roll, and of active organizations, per organization subtree (MemberTally), kept by
the writes.

Every write that can change who is on the roll where passes what it changed here, in its own transaction:
the member services (create, update: a transfer, a status or category change, a removal from the roll), the
import, the organization move (orgs.services), the seed commands. A member counts in the tally of their
organization and of every organization above it; so a change is a delta on the organization's path, rolled up to
its ancestors, and written with one UPDATE per distinct delta. The organization services add and take away
active organizations (create, deactivate, reactivate, move) the same way. `recount` rebuilds every tally from the members
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


Counts = tuple[int, int, int]  # (full members, probationary members, active organizations)
ZERO: Counts = (0, 0, 0)


def tally_changes(changes: Iterable[tuple[State, State]]) -> None:
    """Apply (before, after) pairs: one member each. A few queries whatever their number."""
    by_path: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for before, after in changes:
        for delta in (_delta(before, -1), _delta(after, +1)):
            if delta is not None:
                by_path[delta[0]][0] += delta[1]
                by_path[delta[0]][1] += delta[2]
    tally_add({path: tuple(d) for path, d in by_path.items()})


def tally_add(deltas: dict[str, Counts]) -> None:
    """Add (full, probationary, organizations) to the tally of each path's organization and of every organization
    above it. Three queries, and one UPDATE per distinct delta."""
    from chuxin.orgs.models import Organization

    rolled: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for path, delta in deltas.items():
        for prefix in ancestor_paths(path):
            for i in range(3):
                rolled[prefix][i] += delta[i]
    rolled = {path: d for path, d in rolled.items() if d != [0, 0, 0]}
    if not rolled:
        return
    ids = dict(Organization.objects.filter(path__in=list(rolled)).values_list("path", "id"))
    MemberTally.objects.bulk_create([MemberTally(organization_id=pk) for pk in ids.values()], ignore_conflicts=True)
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for path, pk in ids.items():
        groups[tuple(rolled[path])].append(pk)
    for (full, prob, orgs), pks in groups.items():
        MemberTally.objects.filter(organization_id__in=pks).update(
            full=F("full") + full, probationary=F("probationary") + prob, organizations=F("organizations") + orgs
        )


def subtree_tally(organization) -> Counts:
    row = MemberTally.objects.filter(organization=organization).values_list(
        "full", "probationary", "organizations").first()
    return tuple(row) if row else ZERO


def negative(counts: Counts) -> Counts:
    return tuple(-n for n in counts)


def fresh_counts() -> dict[int, Counts]:
    """{organization id: (full, probationary, active organizations)} counted afresh, rolled up (the truth)."""
    from chuxin.orgs.models import Organization

    own = (
        Member.objects.filter(status=Member.Status.ACTIVE)
        .values_list("organization__path")
        .annotate(
            full=Count("id", filter=Q(category=Member.Category.FULL)),
            prob=Count("id", filter=Q(category=Member.Category.PROBATIONARY)),
        )
        .values_list("organization__path", "full", "prob")
    )
    rolled: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for path, full, prob in own:
        for ancestor in ancestor_paths(path):
            rolled[ancestor][0] += full
            rolled[ancestor][1] += prob
    ids = {}
    for path, pk, status in Organization.objects.values_list("path", "id", "status"):
        ids[path] = pk
        if status == Organization.Status.ACTIVE:
            for ancestor in ancestor_paths(path):
                rolled[ancestor][2] += 1
    return {pk: tuple(rolled.get(path, ZERO)) for path, pk in ids.items()}


def stored_counts() -> dict[int, Counts]:
    return {pk: (f, p, o) for pk, f, p, o in MemberTally.objects.values_list(
        "organization_id", "full", "probationary", "organizations")}


def tallies_match() -> list[tuple[int, Counts, Counts]]:
    """The organizations whose tally differs from a fresh count: [(id, stored, counted)]; empty when all agree
    (an organization without a tally row counts as zeros)."""
    fresh, stored = fresh_counts(), stored_counts()
    return [
        (pk, stored.get(pk, ZERO), counted)
        for pk, counted in sorted((fresh | {pk: ZERO for pk in stored if pk not in fresh}).items())
        if stored.get(pk, ZERO) != counted
    ]


def recount(batch: int = 5000) -> int:
    """Rebuild every tally from the members and organizations. Returns how many rows it wrote."""
    fresh = fresh_counts()
    MemberTally.objects.all().delete()
    rows = [MemberTally(organization_id=pk, full=f, probationary=p, organizations=o)
            for pk, (f, p, o) in fresh.items() if f or p or o]
    MemberTally.objects.bulk_create(rows, batch_size=batch)
    return len(rows)
