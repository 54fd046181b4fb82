"""The organization's path copied onto each member row (Member.org_path), and its upkeep.

The member list narrows by scope with a range on this column (core.paths.subtree_q), so the database reads the
member table's own indexes and no join with the organizations decides the plan. Every writer keeps it exact:
the member services (create, edit, transfer: `org_path = organization.path`), the import, the seed commands,
and the organization's move, which rewrites its subtree's members here in the same transaction as its
organizations (`subtree_moved`). `mismatched` compares it with the organizations (the tests, `manage.py
recount_members --check`); `resync` rewrites it from them (`recount_members`, after a bulk load).
"""

from __future__ import annotations

from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Concat, Substr

from chuxin.core.paths import subtree_q

from .models import Member


def subtree_moved(old_path: str, new_path: str) -> int:
    """The subtree at `old_path` now hangs at `new_path`: one UPDATE rewrites the prefix of its members' paths,
    as orgs.services.organization_move does for the organizations. Returns the members rewritten."""
    return Member.objects.filter(subtree_q(old_path, "org_path")).update(
        org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1)),
    )


def _actual_path():
    from chuxin.orgs.models import Organization

    return Subquery(Organization.objects.filter(pk=OuterRef("organization_id")).values("path")[:1])


def resync() -> int:
    """Rewrite every member's org_path from its organization: one UPDATE. Returns the members rewritten."""
    return Member.objects.exclude(org_path=F("organization__path")).update(org_path=_actual_path())


def mismatched() -> list[tuple[int, str, str]]:
    """[(member id, stored org_path, its organization's path)] where they differ; empty when all agree."""
    return list(
        Member.objects.exclude(org_path=F("organization__path"))
        .order_by("pk").values_list("pk", "org_path", "organization__path")
    )
