"""Version numbers in the cache that a write moves on, so values derived from many rows can be cached per user
and dropped the moment something they depend on changes, without knowing who is affected.

`bump_on_commit("work")` is called by the two places every change of someone's open work passes through: the
audit log (each service writes its entry in its transaction: a directive sent, a task assigned, a report
required, an organization or member changed) and the work records (chuxin.records.record_work: a task done,
a directive completed, a report filed or accepted). A cached value keyed with `current("work")` is then never
older than the last committed write. The cache is Django's: Redis in production (shared by every worker and
host), the per-process memory cache in the embedded setup (one process; a second one would see its own).

One version for the whole house, and one per person: a write that may reach anyone's open work (every audit
entry, most work records) renews every user's value on their next request; a work record whose kind changes only
its own people's work (chuxin.core.registry.RecordKind.own_work: an exam submitted, a required reading opened)
moves only those people's versions, and one that changes no one's (RecordKind.no_work: a practice finished)
moves none. Five hundred members submitting an exam at once so renew five hundred counts, not five hundred
times everyone's; finishing their daily practice renews none. See docs/scaling.md for versions per subtree beyond that.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

_PREFIX = "chuxin:version:"


def current(name: str) -> int:
    key = _PREFIX + name
    value = cache.get(key)
    return _first(key) if value is None else value


def current_many(*names: str) -> tuple[int, ...]:
    """Several versions in one round trip to the cache (a badge reads the house's and its user's)."""
    keys = [_PREFIX + name for name in names]
    found = cache.get_many(keys)
    return tuple(found[key] if key in found else _first(key) for key in keys)


def current_with(name: str, *keys: str) -> tuple[int, dict]:
    """A version and the cache's values for `keys`, in one round trip (a count kept under the version and the
    version itself: the bell's unread count on every page)."""
    (version,), found = current_many_with((name,), keys)
    return version, found


def current_many_with(names: tuple[str, ...], keys: tuple[str, ...]) -> tuple[tuple[int, ...], dict]:
    """Several versions and the cache's values for `keys`, in one round trip (the workbench count kept under the
    house's version and the person's)."""
    vkeys = [_PREFIX + name for name in names]
    found = cache.get_many([*vkeys, *keys])
    versions = tuple(found.pop(vkey) if vkey in found else _first(vkey) for vkey in vkeys)
    return versions, found


def _first(key: str) -> int:
    """A version not in the cache yet (a person's first request, a new cache): 1, unless another request made it
    a moment ago, which is then read. One round trip when it is ours (a person's first page of the day made three
    for each of their versions)."""
    if cache.add(key, 1, timeout=None):
        return 1
    return cache.get(key, 1)


def of_user(user_id: int) -> str:
    """The name of one person's own work version."""
    return f"work:user:{user_id}"


def bump(name: str) -> None:
    key = _PREFIX + name
    try:
        cache.incr(key)
    except ValueError:  # not there yet (a new cache, or evicted): any new value differs from the keys in use
        cache.set(key, current(name) + 1, timeout=None)


def bump_on_commit(name: str) -> None:
    """Now and again after the surrounding transaction commits. Now: so the writer's own later reads in the
    transaction (and tests, which never commit) see a new version; again at the commit: a value another request
    computed and cached meanwhile, from the data before the commit, is dropped too. A rollback leaves one bump
    too many, which costs one recomputation."""
    bump(name)
    transaction.on_commit(lambda: bump(name))


def leaves_work_alone(view):
    """Marks a view whose writes change no one's open work (a practice question answered): the person's own write
    does not renew their workbench count (chuxin.core.middleware.OwnWorkMiddleware). Put it outermost, or under
    decorators that keep the view's attributes (functools.wraps does)."""
    view.leaves_work_alone = True
    return view
