"""My workbench: the open work every app hands to a person, gathered once per request.

Each app that declares a `workbench` hook (`workbench_items(user) -> list[WorkItem]`, chuxin/core/protocols.py)
in its AppConfig is a provider; an app without one simply gives no work. The page, the navigation
count, the calendar and the iCalendar feed all read the one list `my_items` returns.
"""

from __future__ import annotations

import calendar
import datetime
import pickle
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from chuxin.core import access, registry, versions
from chuxin.core.access import Need
from chuxin.core.db import Bound, rows_exist
from chuxin.core.protocols import WorkItem

if TYPE_CHECKING:
    from chuxin.accounts.models import User

Provider = Callable[["User"], list[WorkItem]]

_CACHE_ATTR = "_chuxin_workbench_items"


def providers() -> list[Provider]:
    """The `workbench` hook of every app that declares one (chuxin.core.registry), in INSTALLED_APPS order."""
    return registry.workbench_providers()


def provider_apps() -> list[tuple[str, Provider, tuple[str, ...]]]:
    """(app label, provider, the other apps it reads) for each of `providers()` (registry.workbench_apps); a
    provider no app declares (a test's) stands for an app of its own that reads every app."""
    declared = {provider: (label, reads) for label, provider, reads in registry.workbench_apps()}
    found = []
    for provider in providers():
        label, reads = declared.get(provider) or (f"{provider.__module__}:{id(provider)}",
                                                  tuple(config.label for config in django_apps.get_app_configs()))
        found.append((label, provider, reads))
    return found


def my_items(user: User) -> list[WorkItem]:
    """Everything waiting for the user, soonest first (no date last). Kept on the user object, so the page and
    the navigation count of one request share one gathering (as chuxin.core.access keeps standings), and in the
    cache per app, each app's items under the versions they were gathered at (chuxin.core.versions): the
    workbench, the calendar and the feed read them again until something is written or COUNT_SECONDS (five
    minutes) pass, and after a write only the apps it reached are asked again (a task done: the plans app's items;
    a member's file changed: every app's)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    items: list[WorkItem] = []
    if user.is_authenticated and user.is_active:
        # The versions before gathering (a write meanwhile leaves what is kept below out of date), read with what
        # was kept in one round trip: (stamp, items, oldest gathering, {app: (its stamp, its items, gathered at)}).
        key = _items_key(user)
        base, per_app = _version_names(user)
        stamp, found = versions.current_many_with(base, (key,), per_app)
        kept = found.get(key)
        items = _unpacked(kept[1]) if _fresh(kept, stamp) else _regather(user, stamp, kept[3] if kept else {})
    setattr(user, _CACHE_ATTR, items)
    return items


def _regather(user: User, stamp: tuple[int, ...], kept: dict[str, tuple]) -> list[WorkItem]:
    """The apps whose kept items are out of date asked again, the others' read from `kept` ({app: (its stamp, its
    items packed, gathered at)}); all kept again, the kept apps' packed items as they were."""
    now = time.time()
    declared = provider_apps()
    stamps = _app_stamps(user, stamp, declared)
    apps: dict[str, tuple] = {}
    stale: list[tuple[str, Provider]] = []
    for label, provider, _reads in declared:
        mine = kept.get(label)
        if mine is not None and tuple(mine[0]) == stamps[label] and now - mine[2] < COUNT_SECONDS:
            apps[label] = mine
        else:
            stale.append((label, provider))
    gathered = _gather_apps(user, stale)
    lists = {label: _unpacked(packed) for label, (_stamp, packed, _at) in apps.items()}
    if apps and getattr(settings, "CHUXIN_CHECK_WORKBENCH_KEPT", False):
        _check_kept(user, lists)
    for label, _provider in stale:
        lists[label] = gathered[label]
        apps[label] = (stamps[label], _packed(gathered[label]), now)
    items = _soonest_first(lists.values())
    oldest = min((at for _stamp, _items, at in apps.values()), default=now)
    cache.set(_items_key(user), (stamp, _packed(items), oldest, apps), COUNT_SECONDS)
    # The badge after this page (or the calendar) finds the count made: no second gathering.
    cache.set(_count_key(user), (stamp, len(items), oldest), COUNT_KEPT_SECONDS)
    return items


def _check_kept(user: User, apps: dict[str, list[WorkItem]]) -> None:
    """The suite's check of the versions per app (CHUXIN_CHECK_WORKBENCH_KEPT): every app whose items were kept
    gives the same items asked afresh. A difference is a write that reached an app's work without moving its
    version: an app missing from a provider's `workbench_reads`, or a service writing outside its own app."""
    fresh = _gather_apps(user, [(label, provider) for label, provider, _reads in provider_apps()
                                if label in apps])
    for label, kept_items in apps.items():
        if sorted(kept_items, key=_identity) != sorted(fresh[label], key=_identity):
            raise AssertionError(f"the workbench kept {label}'s items, but asked afresh it gives others: kept "
                                 f"{[i.uid or i.title for i in kept_items]}, now {[i.uid or i.title for i in fresh[label]]}")


def _identity(item: WorkItem) -> tuple:
    return (item.sort_key, item.uid, item.url, item.state)


def _gather_apps(user: User, apps: list[tuple[str, Provider]]) -> dict[str, list[WorkItem]]:
    """{app: its items} for these apps, their probes asked in one query (an app whose probe finds nothing: [])."""
    found: dict[str, list[WorkItem]] = {label: [] for label, _provider in apps}
    if not apps:
        return found
    label_of = {provider: label for label, provider in apps}
    with access.kept(user):  # the apps share the person's own lookups (their member file)
        asked, answers = _to_ask(user, [provider for _label, provider in apps])
        with registry.probed(user, answers):  # the probe's answers, for the apps to skip what it found empty
            for provider in asked:
                found[label_of[provider]] = provider(user)
        if answers and not all(answers.values()) and getattr(settings, "CHUXIN_CHECK_WORKBENCH_PROBES", False):
            _check_skips(user, asked, [item for provider in asked for item in found[label_of[provider]]])
    return found


def has_open_items(user: User) -> bool:
    """Whether anything waits for the user: where a login lands (the workbench, or the home page). One cheap
    check: the apps are asked in turn and the first with work ends it, so a secretary with tasks costs the plans'
    queries, not every app's; a list already gathered in this request is reused."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return bool(cached)
    if not (user.is_authenticated and user.is_active):
        return False
    kept = cache.get(_count_key(user))  # (stamp, count, counted at)
    if _fresh(kept, _stamp(user)):
        return kept[1] > 0
    with access.kept(user):
        asked, answers = _to_ask(user)
        with registry.probed(user, answers):
            return any(provider(user) for provider in asked)


def _check_skips(user: User, asked: list[Provider], items: list[WorkItem]) -> None:
    """The suite's check of registry.probe_found: every app asked again without the probe's answers gives the
    same items (an app that skipped a query on a False must not have lost anything by it)."""
    again = [item for provider in asked for item in provider(user)]
    if again != items:
        raise AssertionError(f"the workbench's items differ when the apps do not skip what the probe found empty: "
                             f"{[i.uid for i in again if i not in items]} missing, "
                             f"{[i.uid for i in items if i not in again]} extra")


def _to_ask(user: User, found: list[Provider] | None = None) -> tuple[list[Provider], dict]:
    """The providers that may have work for the user. Every app with a probe says in one query together whether
    any of the rows it would read for this person exist, and only those with rows are asked (and those whose
    probe cannot tell): a member's first gathering of the day was some twenty queries (~40 ms of CPU), most of
    them finding nothing; it is now the probe and the apps that have something. The same for those with standing
    above PUBLIC (secretaries, workers): their probes add the scope's rows, and a secretary whose branch uses a
    few of the apps asks those few (a gathering afresh was ~40 queries whatever the branch used).

    With settings.CHUXIN_CHECK_WORKBENCH_PROBES (the test suite) an app whose probe found no row is asked all
    the same, and giving anything then is an error: every test that gathers a workbench checks the probes."""
    found = providers() if found is None else found
    probes = registry.workbench_probes()
    if not any(provider in probes for provider in found):
        return found, {}
    silent, answers = _silent(user, found)
    if getattr(settings, "CHUXIN_CHECK_WORKBENCH_PROBES", False):
        for i in silent:
            if found[i](user):
                raise AssertionError(f"{found[i].__module__}.{found[i].__qualname__}: its workbench probe found no "
                                     "row, but it gives work")
    return [provider for i, provider in enumerate(found) if i not in silent], answers


def _silent(user: User, found: list[Provider]) -> tuple[set[int], dict]:
    """The positions in `found` of the apps whose probe finds no row for the user, in one query (none without a
    probe); and what the probe found for each prepared question the probes bound ({PreparedExists: found},
    registry.probe_found)."""
    probes = registry.workbench_probes()
    asked = [(i, probe_qs) for i, probe_qs in ((i, probes[p](user)) for i, p in enumerate(found) if p in probes)
             if probe_qs is not None]  # None: the probe cannot tell for this person; the app is asked
    querysets = [qs for _i, probe_qs in asked for qs in probe_qs]
    found_rows = rows_exist(querysets) if querysets else []
    answers: dict = {}
    for qs, row in zip(querysets, found_rows, strict=True):
        if isinstance(qs, Bound):  # one bound twice with other values: found if either found
            answers[qs.prepared] = answers.get(qs.prepared, False) or row
    rows = iter(found_rows)
    return {i for i, probe_qs in asked if not any([next(rows) for _qs in probe_qs])}, answers


def forget(user: User) -> None:
    """Drop the gathered items after a write within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# The navigation's count (and the items, above) are kept per user until the next write (see chuxin.core.versions:
# every audit entry and work record, a person's own writes, the daily run) or this many seconds, whichever comes
# first: the bound for what changes by the clock alone (an exam that opens at nine is on the workbench by five
# past) and for a change that reaches someone's work through no service.
COUNT_SECONDS = 300
# A count is kept this much longer, to be shown while one request counts afresh (below).
COUNT_KEPT_SECONDS = 3600
# How long one request may hold the right to count for a person before another may take it over.
COUNTING_SECONDS = 10


def open_count(user: User) -> int:
    """For the navigation badge, which every page loads: no query while nothing was written since it was counted
    (it gathered the whole workbench on every page view, 20x a bare view and growing with the items).

    Counted by one request at a time per person: when the count is out of date, the first request to notice
    counts while the person's others (more tabs, a phone and a desktop, the page and its badge at once) show
    the count before, as it stood a moment ago, instead of each gathering the same workbench in parallel."""
    known, kept, _stamp_read = _count_known(user)
    if known is not None:
        return known
    counting = f"chuxin:workbench-counting:{user.pk}"
    if kept is not None and not cache.add(counting, 1, COUNTING_SECONDS):
        return kept[1]  # another request is counting for this person right now
    try:
        return len(my_items(user))  # which keeps the count
    finally:
        if kept is not None:
            cache.delete(counting)


def kept_open_count(user: User) -> int | None:
    """The count `open_count` would answer without counting: gathered in this request, or kept and still good;
    None when it would have to be counted. A page draws the count itself when it is known (base.html, through
    chuxin.portal.context_processors.Badges) and asks for it after loading only when it is not: no second
    request for most page views, and never a gathering that holds up the page.

    A plain member's count is also known when their probe finds nothing (`_nothing_open`): counted here, in one
    prepared query, rather than by a second request as the page loads (the daily practice's 500 members arrive
    within seconds, each on a first page of the day)."""
    known, _kept, stamp = _count_known(user)
    return known if known is not None else _nothing_open(user, stamp)


def _nothing_open(user: User, stamp: tuple[int, ...]) -> int | None:
    """The count, kept as `open_count` keeps it, when the user reads nowhere and every app with a probe finds no
    row (an app without a probe is asked, and must answer such a person without a query); None when
    something may be open, which the badge's request then gathers and counts. Costs the probe's one query (and
    the member file's, when this request has not read it) and no gathering.

    The suite's CHUXIN_CHECK_WORKBENCH_PROBES is not applied here: it would ask every app on every page a plain
    member opens in a test, and the query counts the suite asserts would no longer be those of production. The
    probes are checked wherever a workbench is gathered (the badge, the workbench, the calendar). `stamp`: the
    versions `_count_known` read before the probe (a write meanwhile leaves what is kept below out of date)."""
    found = providers()
    probes = registry.workbench_probes()
    if (not (user.is_authenticated and user.is_active) or not any(provider in probes for provider in found)
            or access.has_any(user, Need.READ)):
        return None
    with access.kept(user):
        silent, _answers = _silent(user, found)
        if any(provider in probes and i not in silent for i, provider in enumerate(found)):
            return None
        apps = provider_apps()
        rest = [provider for i, provider in enumerate(found) if i not in silent]  # those without a probe
        by_app = {label: provider(user) if provider in rest else [] for label, provider, _reads in apps}
    items = _soonest_first(by_app.values())
    now = time.time()
    stamps = _app_stamps(user, stamp, apps)
    kept = {label: (stamps[label], _packed(app_items), now) for label, app_items in by_app.items()}
    # One round trip for both (the items are few: a plain member's); `_fresh` bounds their use to COUNT_SECONDS.
    cache.set_many({_items_key(user): (stamp, _packed(items), now, kept), _count_key(user): (stamp, len(items), now)},
                   COUNT_KEPT_SECONDS)
    setattr(user, _CACHE_ATTR, items)
    return len(items)


def _count_known(user: User) -> tuple[int | None, tuple | None, tuple[int, ...] | None]:
    """(the count if it is known without counting, else None; what the cache keeps for the person, fresh or
    not: (stamp, count, counted at) or None; the versions now, read with it in one round trip, or None when
    nothing was read)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return len(cached), None, None
    if not (user.is_authenticated and user.is_active):
        return 0, None, None
    key = _count_key(user)
    base, per_app = _version_names(user)
    stamp, found = versions.current_many_with(base, (key,), per_app)
    kept = found.get(key)
    return (kept[1] if _fresh(kept, stamp) else None), kept, stamp


def _stamp(user: User) -> tuple[int, ...]:
    """The versions a count is valid under (chuxin.core.versions): the house's work and the person's own, then
    every app's and the person's in every app (`_version_names`), in one round trip."""
    base, per_app = _version_names(user)
    return versions.current_many_with(base, (), per_app)[0]


def _version_names(user: User, declared: list | None = None) -> tuple[tuple[str, str], tuple[str, ...]]:
    """(the house's and the person's versions; the apps' versions the workbench's apps depend on, everyone's and
    the person's, in a fixed order). `declared`: provider_apps(), when the caller has it."""
    declared = provider_apps() if declared is None else declared
    apps = sorted({app for label, _provider, reads in declared for app in (label, *reads)})
    per_app = tuple(name for app in apps for name in (versions.of_app(app), versions.of_user(user.pk, app)))
    return ("work", versions.of_user(user.pk)), per_app


def _app_stamps(user: User, stamp: tuple[int, ...], declared: list) -> dict[str, tuple[int, ...]]:
    """{app: the versions its items are valid under}: the house's and the person's, then its own app's and those
    of the apps it reads, from `stamp` (as `_stamp` reads them); `declared`: provider_apps()."""
    base, per_app = _version_names(user, declared)
    value = dict(zip((*base, *per_app), stamp, strict=True))
    return {label: (stamp[0], stamp[1], *(value[name] for app in (label, *reads)
                                          for name in (versions.of_app(app), versions.of_user(user.pk, app))))
            for label, _provider, reads in declared}


def _soonest_first(lists) -> list[WorkItem]:
    """The items of several apps' lists in one list, soonest first (no date last)."""
    return sorted((item for items in lists for item in items), key=lambda item: item.sort_key)


def _fresh(kept: tuple | None, stamp: tuple[int, ...]) -> bool:
    """Whether a kept (stamp, value, made at) is still good: made under these versions, within COUNT_SECONDS."""
    return kept is not None and tuple(kept[0]) == stamp and time.time() - kept[2] < COUNT_SECONDS


def _count_key(user: User) -> str:
    return f"chuxin:workbench-count:{user.pk}"


def _items_key(user: User) -> str:
    """Per language too: the items' titles and states are translated when they are gathered. Kept under it:
    (stamp, the items packed, oldest gathering, {app: (its stamp, its items packed, gathered at)}); "v2": what
    an older release kept there (its items unpacked) is never read."""
    return f"chuxin:workbench-items:v2:{user.pk}:{translation.get_language() or ''}"


def _packed(items: list[WorkItem]) -> bytes:
    """Items as the cache keeps them: plain tuples, pickled on their own. The cache unpickles what it keeps on
    every read, and most reads find the items out of date (a write moved a version) or use one app's part only:
    packed, the rest costs nothing to read (~500 items unpickled as objects cost ~0.8 ms of CPU; as tuples,
    ~0.2, and only when used)."""
    return pickle.dumps([tuple(item) for item in items], pickle.HIGHEST_PROTOCOL)


def _unpacked(packed: bytes) -> list[WorkItem]:
    make = WorkItem._make
    return [make(row) for row in pickle.loads(packed)]  # noqa: S301 (what _packed made, in our own cache)


def is_overdue(item: WorkItem, today: datetime.date) -> bool:
    return item.overdue or (item.due is not None and item.due < today)


# ---------------------------------------------------------------------------------------------------------------
# The page: groups by when


class Group:
    OVERDUE = "overdue"
    THIS_WEEK = "this_week"
    LATER = "later"
    NO_DATE = "no_date"
    ORDER = (OVERDUE, THIS_WEEK, LATER, NO_DATE)


def week_end(today: datetime.date) -> datetime.date:
    """The Sunday closing today's week (weeks run Monday to Sunday)."""
    return today + datetime.timedelta(days=6 - today.weekday())


def group_of(item: WorkItem, today: datetime.date, sunday: datetime.date | None = None) -> str:
    """`sunday`: week_end(today), when the caller has it (a workbench groups hundreds of items)."""
    if is_overdue(item, today):
        return Group.OVERDUE
    if item.due is None:
        return Group.NO_DATE
    if item.due <= (sunday or week_end(today)):
        return Group.THIS_WEEK
    return Group.LATER


def grouped(items: list[WorkItem], today: datetime.date) -> dict[str, list[WorkItem]]:
    """{group: items}, every group present (maybe empty), in Group.ORDER, each still soonest first."""
    groups: dict[str, list[WorkItem]] = {name: [] for name in Group.ORDER}
    sunday = week_end(today)
    for item in items:
        groups[group_of(item, today, sunday)].append(item)
    return groups


def counts_by_kind(items: list[WorkItem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return counts


# ---------------------------------------------------------------------------------------------------------------
# The month calendar


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    items: list[WorkItem] = field(default_factory=list)


@dataclass
class Month:
    first: datetime.date
    weeks: list[list[Day]]  # Monday first; includes the neighbouring months' days that fill the first/last week
    previous: datetime.date | None  # None past the calendar's ends
    next: datetime.date | None

    @property
    def days_with_items(self) -> list[Day]:
        """This month's days that carry deadlines, for the phone's list."""
        return [day for week in self.weeks for day in week if day.in_month and day.items]

    @property
    def item_count(self) -> int:
        return sum(len(day.items) for day in self.days_with_items)


COMING_DAYS = 28  # a phone's calendar: the next four weeks from today


def coming_days(items: list[WorkItem], today: datetime.date, *, days: int = COMING_DAYS) -> list[Day]:
    """The days from today on (four weeks) that carry deadlines, each with its items: what a phone shows, the work
    ahead rather than the month's past days."""
    end = today + datetime.timedelta(days=days - 1)
    by_day: dict[datetime.date, list[WorkItem]] = {}
    for item in items:
        if item.due is not None and today <= item.due <= end:
            by_day.setdefault(item.due, []).append(item)
    return [Day(date, True, date == today, by_day[date]) for date in sorted(by_day)]


_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)  # not \d: it takes full-width digits too
MIN_YEAR, MAX_YEAR = 1900, 2999  # far beyond any plan; keeps previous/next inside what date can hold


def parse_month(value: str | None, today: datetime.date) -> datetime.date | None:
    """'YYYY-MM' -> its first day; missing -> this month; anything else -> None (the view answers 404)."""
    if not value:
        return today.replace(day=1)
    match = _MONTH.fullmatch(value)
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)


def month_calendar(items: list[WorkItem], first: datetime.date, today: datetime.date) -> Month:
    """The weeks of `first`'s month with each dated item on its due day (the neighbouring months' days in the
    first and last week get theirs too, so a deadline on the 31st shows beside the 1st)."""
    by_day: dict[datetime.date, list[WorkItem]] = {}
    for item in items:
        if item.due is not None:
            by_day.setdefault(item.due, []).append(item)
    weeks = [
        [Day(date, date.month == first.month, date == today, by_day.get(date, [])) for date in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=31)).replace(day=1)
    return Month(
        first=first,
        weeks=weeks,
        previous=previous if previous.year >= MIN_YEAR else None,
        next=following if following.year <= MAX_YEAR else None,
    )
