"""The one access policy of the house.

Roles are granted on an organization and reach its whole subtree. A user's standing on an organization is
the strongest role they hold on it or any ancestor; holding a member file in an organization gives the
member role there. Lists are narrowed with `scope_q`; single objects go through `require`:

- no standing at all on the object's organization  -> 404 (the same answer as a missing id, so ids can't be probed)
- some standing, but weaker than the action needs  -> 403
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from operator import attrgetter
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from chuxin.accounts.models import Role, RoleGrant
from chuxin.orgs.paths import minimal_prefixes, subtree_q

if TYPE_CHECKING:
    from chuxin.accounts.models import User
    from chuxin.orgs.models import Organization


class Need(IntEnum):
    """What an action needs, weakest first. A role satisfies every need up to its own rank."""

    PUBLIC = 10  # the organization's public things: name, committee
    READ = 20  # member files (masked), lists, the tree
    MANAGE = 40  # create and edit member files, positions, import
    ADMIN = 50  # the structure itself, role grants, the audit log, revealing and exporting ID numbers


RANK: dict[str, int] = {
    Role.MEMBER: Need.PUBLIC,
    Role.VIEWER: Need.READ,
    Role.COMMITTEE: Need.READ,
    Role.SECRETARY: Need.MANAGE,
    Role.WORKER: Need.ADMIN,
}


@dataclass(frozen=True)
class Standing:
    path: str
    rank: int


def standings(user: User) -> list[Standing]:
    """The user's grants as (path, rank), loaded once per request and kept on the user object."""
    cached = getattr(user, "_chuxin_standings", None)
    if cached is not None:
        return cached
    result: list[Standing] = []
    if user.is_authenticated and user.is_active:
        if user.is_superuser:
            result.append(Standing("", Need.ADMIN))
        else:
            for path, role in RoleGrant.objects.filter(user=user).values_list("organization__path", "role"):
                result.append(Standing(path, RANK[role]))
            member_path = (
                user.__class__.objects.filter(pk=user.pk, member__status="active")
                .values_list("member__organization__path", flat=True)
                .first()
            )
            if member_path:
                result.append(Standing(member_path, Need.PUBLIC))
    user._chuxin_standings = result
    return result


def forget(user: User) -> None:
    """Drop the cached standings after a grant changes within the same request."""
    if hasattr(user, "_chuxin_standings"):
        del user._chuxin_standings


def rank_on(user: User, path: str) -> int:
    return max((s.rank for s in standings(user) if path.startswith(s.path)), default=0)


def can(user: User, organization: Organization, need: Need) -> bool:
    return rank_on(user, organization.path) >= need


def require(user: User, organization: Organization, need: Need) -> None:
    rank = rank_on(user, organization.path)
    if rank == 0:
        raise Http404
    if rank < need:
        raise PermissionDenied


def scope_prefixes(user: User, need: Need) -> list[str]:
    return minimal_prefixes([s.path for s in standings(user) if s.rank >= need])


def scope_q(user: User, need: Need, field: str = "path") -> Q:
    """A filter for rows whose organization path (`field`) lies in the user's scope for `need`."""
    prefixes = scope_prefixes(user, need)
    if not prefixes:
        return Q(pk__in=[])
    if prefixes == [""]:
        return Q()
    q = Q()
    for prefix in prefixes:
        q |= subtree_q(prefix, field)
    return q


def has_any(user: User, need: Need) -> bool:
    return any(s.rank >= need for s in standings(user))


def fetch(user: User, queryset, pk, *, need: Need, organization: str = "organization"):
    """The row `pk` of `queryset` if the user's standing on its organization meets `need`.

    `organization` is the dotted attribute path from the row to its organization ("requirement.organization").
    Missing and out of scope both answer 404, so ids cannot be probed; in scope but too weak a role, 403.
    """
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    require(user, attrgetter(organization)(obj), need)
    return obj
