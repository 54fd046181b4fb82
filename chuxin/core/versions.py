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

Both are kept per app too (`work_changed`): a write of the plans app moves the plans app's version (everyone's,
or its own people's), and a person's workbench then gathers the plans app's items again and reads the other apps'
where it kept them (chuxin.workbench.selectors; each app's items depend on its own version and on those of the
apps it declares it reads, registry.Hooks.workbench_reads). A write of the foundation (accounts, members, orgs:
who people are, where, with which roles, which every app's work reads) or of code outside an app moves the
house's version or the person's, as before: every app is asked again.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable

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


def current_many_with(names: tuple[str, ...], keys: tuple[str, ...], optional: tuple[str, ...] = ()
                      ) -> tuple[tuple[int, ...], dict]:
    """Several versions and the cache's values for `keys`, in one round trip (the workbench count kept under the
    house's version and the person's). `optional`: more versions, read as 0 while they are not in the cache rather
    than made (the apps' versions: a person's first page would make some thirty, one round trip each); their
    values follow `names`' in the tuple. Such a version is made at its first bump from the clock and expires
    (`bump(expiring=True)`)."""
    vkeys = [_PREFIX + name for name in names]
    okeys = [_PREFIX + name for name in optional]
    found = cache.get_many([*vkeys, *okeys, *keys])
    versions = tuple(found.pop(vkey) if vkey in found else _first(vkey) for vkey in vkeys)
    versions += tuple(found.pop(okey, 0) for okey in okeys)
    return versions, found


def _first(key: str) -> int:
    """A version not in the cache yet (a person's first request, a new cache): 1, unless another request made it
    a moment ago, which is then read. One round trip when it is ours (a person's first page of the day made three
    for each of their versions)."""
    if cache.add(key, 1, timeout=None):
        return 1
    return cache.get(key, 1)


def of_user(user_id: int, app: str | None = None) -> str:
    """The name of one person's own work version, of every app or of one (`app`, its label)."""
    return f"work:user:{user_id}" if app is None else f"work:user:{user_id}:{app}"


def of_app(app: str) -> str:
    """The name of one app's work version (everyone's work in it)."""
    return f"work:app:{app}"


# Every app's work reads these apps' rows (who people are, where, with which roles): a write of theirs renews all.
FOUNDATION = frozenset({"accounts", "members", "orgs"})


def app_of(module: str | None) -> str | None:
    """The app a module belongs to ("chuxin.plans.services" -> "plans"); None outside the apps and for the kernel
    (chuxin.core), whose writes are anyone's."""
    parts = (module or "").split(".")
    if len(parts) < 2 or parts[0] != "chuxin" or parts[1] in ("core", "testing"):
        return None
    return parts[1]


def caller_app(depth: int = 2) -> str | None:
    """The app of the code that called the function calling this (an audit entry's service)."""
    return app_of(sys._getframe(depth).f_globals.get("__name__"))


def work_changed(apps: Iterable[str | None], users: Iterable[int] | None = None) -> None:
    """A write that may change someone's open work, in the apps `apps` (their labels): their versions move, now
    and at the commit (bump_on_commit). `users`: only these people's work changed (RecordKind.own_work, a
    person's own write); None: anyone's. A foundation app, an unknown one (None) or no app at all moves the
    house's version, or the people's own, for every app."""
    labels = set(apps)
    scoped = sorted(labels) if labels and None not in labels and not labels & FOUNDATION else [None]
    if users is None:
        for app in scoped:
            bump_on_commit("work" if app is None else of_app(app), expiring=app is not None)
        return
    for pk in sorted(set(users)):
        for app in scoped:
            bump_on_commit(of_user(pk, app), expiring=app is not None)


# How long an app's version lives in the cache after it is made (`bump(expiring=True)`): a person's versions per
# app are one key for each app they write in, which kept forever would fill Redis (no eviction there: the job queue
# lives in it too). Far longer than anything kept under a version is used (COUNT_SECONDS, five minutes).
EXPIRING_SECONDS = 86400


def bump(name: str, *, expiring: bool = False) -> None:
    """Move a version on. `expiring`: a version read as 0 while it is not in the cache (`current_many_with`'s
    `optional`), which is made from the clock (milliseconds) and lives EXPIRING_SECONDS from then: made again after
    that, it starts above every value it had (one bump is +1), so a stamp kept from before never matches it again;
    and 0, read while it is away, matched only what was kept before it was first made, longer ago than
    EXPIRING_SECONDS."""
    key = _PREFIX + name
    try:
        cache.incr(key)  # keeps the key's expiry
    except ValueError:  # not there yet (a new cache, evicted, or expired): any new value differs from the keys in use
        if expiring:
            cache.add(key, time.time_ns() // 1_000_000, timeout=EXPIRING_SECONDS)
            try:
                cache.incr(key)
            except ValueError:  # gone again at once: made from the clock once more, which is later still
                cache.set(key, time.time_ns() // 1_000_000, timeout=EXPIRING_SECONDS)
        else:
            cache.set(key, current(name) + 1, timeout=None)


def bump_on_commit(name: str, *, expiring: bool = False) -> None:
    """Now and again after the surrounding transaction commits. Now: so the writer's own later reads in the
    transaction (and tests, which never commit) see a new version; again at the commit: a value another request
    computed and cached meanwhile, from the data before the commit, is dropped too. A rollback leaves one bump
    too many, which costs one recomputation."""
    bump(name, expiring=expiring)
    transaction.on_commit(lambda: bump(name, expiring=expiring))


def leaves_work_alone(view):
    """Marks a view whose writes change no one's open work (a practice question answered): the person's own write
    does not renew their workbench count (chuxin.core.middleware.OwnWorkMiddleware). Put it outermost, or under
    decorators that keep the view's attributes (functools.wraps does)."""
    view.leaves_work_alone = True
    return view
