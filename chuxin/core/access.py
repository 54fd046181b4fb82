"""The one access policy of the house.

The kernel's access machinery; it names no app. Roles are granted on an organization and reach its whole subtree. A user's standing on an organization is
the strongest role they hold on it or any ancestor; holding a member file in an organization gives the
member role there. Lists are narrowed with `scope_q`; single objects go through `require`:

- no standing at all on the object's organization  -> 404 (the same answer as a missing id, so ids can't be probed)
- some standing, but weaker than the action needs  -> 403
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from chuxin.core import registry
from chuxin.core.paths import ancestor_paths, minimal_prefixes, subtree_q

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    User = Model  # the login account (accounts.User); the kernel names no app
    Organization = Model


class Need(IntEnum):
    """What an action needs, weakest first. A role satisfies every need up to its own rank."""

    PUBLIC = 10  # the organization's public things: name, committee
    READ = 20  # member files (masked), lists, the tree
    MANAGE = 40  # create and edit member files, positions, import
    ADMIN = 50  # the structure itself, role grants, the audit log, revealing and exporting ID numbers


@dataclass(frozen=True)
class Standing:
    path: str
    rank: int


def standings(user: User) -> list[Standing]:
    """The user's standings as (path, rank), loaded once per request and kept on the user object.

    The sources are declared in the registry (hook `standings`): role grants (accounts) and an active member
    file (members), each a query; a superuser stands everywhere without one."""
    cached = getattr(user, "_chuxin_standings", None)
    if cached is not None:
        return cached
    result: list[Standing] = []
    if user.is_authenticated and user.is_active:
        if user.is_superuser:
            result.append(Standing("", Need.ADMIN))
        else:
            for source in registry.standing_sources():
                result.extend(Standing(path, rank) for path, rank in source(user))
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


@dataclass(frozen=True)
class Relation:
    """A personal relation to an object that lets a user in without standing on its organization, for needs up
    to `grants`: the plan's owner, a task's assignee, a list's holder, the member themself (and later an
    attendee, the two sides of a transfer). `test(user, obj)` answers from the loaded object where it can."""

    name: str
    test: Callable[[Any, Any], bool]
    grants: Need = Need.READ


def is_user(attribute: str, name: str, grants: Need = Need.READ) -> Relation:
    """The relation "the user is `obj.<attribute>`" (a dotted path to a user id, e.g. "plan.owner_id")."""
    get = attrgetter(attribute)
    return Relation(name, lambda user, obj: user.is_authenticated and get(obj) == user.pk, grants)


def _pk(value) -> int | None:
    """An id from the address or a form; anything that is not a plausible row id finds nothing (404)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def fetch(user: User, queryset, pk, *, need: Need, organization: str = "organization",
          relations: Iterable[Relation] = ()):
    """The row `pk` of `queryset` if the user's standing on its organization meets `need`, or one of the declared
    personal `relations` lets them in for that need.

    `organization` is the dotted attribute path from the row to its organization ("requirement.organization").
    Missing and out of scope both answer 404, so ids cannot be probed; in scope but too weak a role, 403.
    """
    number = _pk(pk)
    obj = queryset.filter(pk=number).first() if number is not None else None
    if obj is None:
        raise Http404
    org = attrgetter(organization)(obj)
    if rank_on(user, org.path) >= need:
        return obj
    for relation in relations:
        if need <= relation.grants and relation.test(user, obj):
            return obj
    require(user, org, need)
    return obj


def holders(organization: Organization, need: Need, *, inherited: bool = False) -> QuerySet:
    """The reverse question: the active accounts that hold at least `need` on `organization` through a grant on
    it (or, with `inherited`, on it or an ancestor). One query; the sources are declared in the registry."""
    paths = [*ancestor_paths(organization.path), organization.path] if inherited else [organization.path]
    sources = registry.holder_sources()
    qs = sources[0](paths, need)
    for source in sources[1:]:
        qs = qs | source(paths, need)
    return qs
