"""The one access policy of the house.

The kernel's access machinery; it names no app. Roles are granted on an organization and reach its whole
subtree. A user's standing on an organization is the strongest role they hold on it or any ancestor; holding a
member file in an organization gives the member role there. Lists are narrowed with `scope_q`; single objects are
loaded through `fetch` (every app's `access_<entity>`), which also takes the personal relations an app declares
(the plan's owner, a task's assignee, a list's holder, the member themself):

- no standing at all on the object's organization  -> 404 (the same answer as a missing id, so ids can't be probed)
- some standing, but weaker than the action needs  -> 403

Services check their actor themselves with `authorize` (PermissionDenied), whoever calls them. The reverse
question, "who holds at least NEED here", is `holders` (and `holders_by_org` for many organizations at once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import IntEnum
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from chuxin.core import registry
from chuxin.core.db import PreparedRows
from chuxin.core.paths import ancestor_paths, minimal_prefixes, subtree_bounds, subtree_q

if TYPE_CHECKING:
    from django.db.models import Model

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


def standings_kept(user: User) -> bool:
    """Whether this request has read the user's standings and keeps them (what the sources left beside them,
    such as the member file's id, is as fresh as they are)."""
    return getattr(user, "_chuxin_standings", None) is not None


def forget(user: User) -> None:
    """Drop the cached standings after a grant changes within the same request."""
    if hasattr(user, "_chuxin_standings"):
        del user._chuxin_standings


# ---------------------------------------------------------------------------------------------------------------
# Lookups made once while the workbench gathers


_KEPT = "_chuxin_kept"


@contextmanager
def kept(user: User):
    """Within: a person's own lookups that several apps make (their member file: chuxin.members.selectors.
    own_member) are made once, through `once`. The workbench gathers inside it: sixteen apps asking who the
    person is cost one query, not five. Scoped to the block, not kept for the request like the standings: a write
    after it, or a test's next step, reads the rows afresh."""
    if getattr(user, _KEPT, None) is not None:  # nested: the outer block keeps them
        yield
        return
    setattr(user, _KEPT, {})
    try:
        yield
    finally:
        delattr(user, _KEPT)


def once(user: User, name: str, compute: Callable[[], Any]) -> Any:
    """`compute()`, made once per `kept` block for this user and name; outside one, every time."""
    store = getattr(user, _KEPT, None)
    if store is None:
        return compute()
    if name not in store:
        store[name] = compute()
    return store[name]


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


def scope_ranges(user: User, need: Need) -> list[str]:
    """The user's scope for `need` as the ranges of paths scope_q filters on, flat: [low, high, low, high, ...]
    (chuxin.core.paths.ranges_q); [] for none. The whole house (the superuser) is the range of every path."""
    return [bound for prefix in scope_prefixes(user, need) for bound in subtree_bounds(prefix)]


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
    to `grants`: the plan's owner, a task's assignee, a list's holder, the member themself, a notification's
    recipient (and later an attendee, the two sides of a transfer). `test(user, obj)` answers from the loaded
    object where it can. An app declares each relation once (its access.py) and reuses it: `of` carries it to
    an object that hangs below (a task's plan), `granting` lets it in for a stronger need at one place."""

    name: str
    test: Callable[[Any, Any], bool]
    grants: Need = Need.READ

    def of(self, attribute: str) -> Relation:
        """The same relation, tested on `obj.<attribute>` (a dotted path): the plan owner's relation to a task is
        `OWNER.of("plan_item.plan")`."""
        get, test = attrgetter(attribute), self.test
        return replace(self, test=lambda user, obj: test(user, get(obj)))

    def granting(self, need: Need) -> Relation:
        """The same relation letting in for needs up to `need` (an assignee ticks their task's milestones)."""
        return replace(self, grants=need)

    def holds(self, user, obj, need: Need) -> bool:
        return need <= self.grants and bool(self.test(user, obj))


def is_user(attribute: str, name: str, grants: Need = Need.READ) -> Relation:
    """The relation "the user is `obj.<attribute>`" (a dotted path to a user id, e.g. "plan.owner_id")."""
    get = attrgetter(attribute)
    return Relation(name, lambda user, obj: user.is_authenticated and get(obj) == user.pk, grants)


ITSELF = ""  # fetch(..., organization=ITSELF): the row is the organization itself
NOWHERE = None  # fetch(..., organization=NOWHERE): the row belongs to no organization; only relations let in


def _pk(value) -> int | None:
    """An id from the address or a form; anything that is not a plausible row id finds nothing (404)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _organization_of(obj, organization: str | None):
    if organization is None:
        return None
    return attrgetter(organization)(obj) if organization else obj


def _related(user, obj, need: Need, relations: Iterable[Relation]) -> bool:
    return any(relation.holds(user, obj, need) for relation in relations)


def fetch(user: User, queryset, pk, *, need: Need, organization: str | None = "organization",
          relations: Iterable[Relation] = ()):
    """The row `pk` of `queryset` if the user's standing on its organization meets `need`, or one of the declared
    personal `relations` lets them in for that need. Every `access_<entity>` of every app goes through here.
    `queryset` may be a chuxin.core.db.PreparedRows of `lambda pk: <queryset>.filter(pk=pk)`, for the pages
    opened most (building and compiling a select_related query cost ~1 ms of CPU, running it ~0.2).

    `organization` is the dotted attribute path from the row to its organization ("requirement.organization"),
    ITSELF for an organization, NOWHERE for a row of no organization (a notification: relations only).
    Missing and out of scope both answer 404, so ids cannot be probed; in scope but too weak a role, 403.
    """
    number = _pk(pk)
    if number is None:
        obj = None
    elif isinstance(queryset, PreparedRows):  # compiled once: the row `pk` of `lambda pk: ....filter(pk=pk)`
        obj = queryset.first_object(number)
    else:
        obj = queryset.filter(pk=number).first()
    if obj is None:
        raise Http404
    org = _organization_of(obj, organization)
    if org is not None and rank_on(user, org.path) >= need:
        return obj
    if _related(user, obj, need, relations):
        return obj
    if org is None:
        raise Http404
    require(user, org, need)
    return obj


def authorize(actor, organization: Organization | None, need: Need, *, obj=None,
              relations: Iterable[Relation] = ()) -> None:
    """A service's own check of its actor, so whatever calls it (a view, an API, a job) is safe: PermissionDenied
    unless the actor's standing on `organization` meets `need`, or one of `relations` to `obj` lets them in.

    `actor=None` is the house itself (seeding, the daily run, a migration, a test building its world): code that
    acts on nobody's behalf. A person, even one not logged in, is always an account object and always checked.
    """
    if actor is None:
        return
    if organization is not None and rank_on(actor, organization.path) >= need:
        return
    if obj is not None and _related(actor, obj, need, relations):
        return
    raise PermissionDenied


# ---------------------------------------------------------------------------------------------------------------
# The reverse question: who holds at least NEED on an organization


def _holdings(paths: list[str], need: Need, on, serving: bool) -> list[QuerySet]:
    """Each holder source's rows (`holder`: an account id, `held_path`: the organization's path) for `paths`."""
    on = on or timezone.localdate()
    return [source(paths, need, on).order_by() for source in registry.holder_sources(serving=serving)]


def _accounts() -> QuerySet:
    """Active login accounts (the user model named by settings: the kernel names no app)."""
    return get_user_model()._default_manager.filter(is_active=True)


def holders(organization: Organization, need: Need, *, inherited: bool = False, on=None,
            serving: bool = False) -> QuerySet:
    """The reverse question: the active accounts that hold at least `need` on `organization` through a grant on
    it (or, with `inherited`, on it or an ancestor). With `serving`, also those who answer for it by a seat they
    serve in on the day `on` (today by default), such as its serving secretary: people to tell, not people the
    policy lets in. One query; the sources are declared in the registry (hooks `holders` and `serving`)."""
    paths = [*ancestor_paths(organization.path), organization.path] if inherited else [organization.path]
    q = Q(pk__in=[])
    for rows in _holdings(paths, need, on, serving):
        q |= Q(pk__in=rows.values("holder"))
    return _accounts().filter(q)


def holders_by_org(organizations: Iterable[Organization], need: Need, *, on=None,
                   serving: bool = False) -> dict[int, list]:
    """`holders` for many organizations at once (each on itself, not inherited): {organization id: [accounts]},
    organizations without anyone left out. Two queries whatever their number: the holdings, the accounts."""
    by_path = {org.path: org.pk for org in organizations}
    if not by_path:
        return {}
    parts = [rows.values_list("holder", "held_path") for rows in _holdings(list(by_path), need, on, serving)]
    if not parts:
        return {}
    pairs = list(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else list(parts[0])
    if not pairs:
        return {}
    accounts = _accounts().in_bulk({holder for holder, _path in pairs})
    found: dict[int, dict[int, Any]] = {}
    for holder, path in sorted(pairs):
        if holder in accounts and path in by_path:
            found.setdefault(by_path[path], {})[holder] = accounts[holder]
    return {org_id: list(people.values()) for org_id, people in found.items()}
