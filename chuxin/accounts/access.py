"""What role grants contribute to the access policy (chuxin.core.access), declared in this app's hooks."""

from __future__ import annotations

from django.db.models import F, QuerySet

from chuxin.core.access import Need
from chuxin.core.db import Prepared

from .models import Role, RoleGrant, User

# Each role's rank: a role satisfies every need up to its own.
RANK: dict[str, int] = {
    Role.MEMBER: Need.PUBLIC,
    Role.VIEWER: Need.READ,
    Role.COMMITTEE: Need.READ,
    Role.SECRETARY: Need.MANAGE,
    Role.WORKER: Need.ADMIN,
}


def roles_with(need: int) -> list[str]:
    return [role for role, rank in RANK.items() if rank >= need]


# Every request reads it (chuxin.core.access.standings): compiled once (chuxin.core.db.Prepared).
_GRANTS = Prepared(lambda user_id: RoleGrant.objects.filter(user_id=user_id).values_list("organization__path", "role"))


def grant_standings(user: User) -> list[tuple[str, int]]:
    """One query: the user's grants as (organization path, rank)."""
    return [(path, RANK[role]) for path, role in _GRANTS.rows(user.pk)]


def grant_holders(paths: list[str], need: int, on=None) -> QuerySet:
    """The registry's `holders` hook: accounts granted a role of at least `need` on an organization whose path is
    in `paths`, as rows (holder: the account's id, held_path: where). Grants have no dates: `on` is not read."""
    return RoleGrant.objects.filter(organization__path__in=paths, role__in=roles_with(need)).values(
        holder=F("user_id"), held_path=F("organization__path"))
