"""One registry of what each app contributes to the house.

An app declares its hooks in one place, `hooks = Hooks(...)` on its AppConfig (apps.py); the kernel and the
top-level pages read them here. A new capability touches its own app and nothing else:

- record kinds it produces and consumers of other apps' records (the work-record stream, chuxin.records),
- workbench items (a selector giving a person's open items) and the kinds of item it gives, with label and icon,
- reminders (the daily run sends them through the notification centre),
- housekeeping (daily upkeep that is not a reminder: opening report periods, making the year's lists),
- facts for the periodic reports' pre-fill that are not records (states such as "overdue"),
- demo seeding, after the apps it needs seeded first,
- navigation entries,
- the standing an app's relation gives a user somewhere (role grants, a member file) and the reverse question
  "who holds at least NEED on this organization" (by standing, and by a seat someone serves in),
- rules taken from the regulations, with their defaults, as data (chuxin.core.rules), and where an
  organization's own values for them are kept (the overrides for its subtree),
- its routes for the role matrix (a test helper),
- sections of a member's file that its work writes (organizational life, evaluations): `member_history`.

Hooks that are code are given as dotted paths and imported on first use, as Django does with MIDDLEWARE: the
kernel never imports an app, and an app's hooks may import anything below it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordKind:
    """A kind of completed work, declared by the app that produces it.

    `payload` names the typed fields a record of this kind carries ({"on_time": bool}); `fact` is the label of
    its count in the periodic reports' pre-filled facts (None: not a report fact); `fact_order` sorts them.

    `own_work`: a record of this kind changes the open work of the people it names and of no one else (a practice
    finished, a required reading opened, an exam submitted). Its writing then renews only their workbench counts
    (chuxin.core.versions), not everyone's; every consumer of such a kind must say the same of itself.

    `no_work`: a record of this kind changes no one's open work at all (a practice finished: a practice is never an
    item on anyone's workbench, and the points it may earn are not work). Its writing renews no count; every
    consumer of such a kind must be `no_work` itself.
    """

    code: str
    label: Any  # a lazy translation
    payload: Mapping[str, type] = field(default_factory=dict)
    fact: Any = None
    fact_order: int = 100
    fact_sentence: Any = None  # "%(n)s tasks completed this period", for the report's first section
    own_work: bool = False
    no_work: bool = False


@dataclass(frozen=True)
class Consumer:
    """Something that reacts to records of `kinds`, in the producer's transaction (dotted `handler(record)`).

    `own_work`: it changes no one's open work but the record's own people's; only such consumers (or `no_work`
    ones) may consume a kind declared `own_work`. `no_work`: it changes no one's open work (points in a ledger);
    only such consumers may consume a kind declared `no_work`."""

    kinds: tuple[str, ...]
    handler: str
    own_work: bool = False
    no_work: bool = False


@dataclass(frozen=True)
class WorkbenchKind:
    code: str  # WorkItem.kind
    label: Any
    icon: str  # a Bootstrap icon name
    order: int = 100  # where its count stands on the workbench, lowest first (as its app's NavEntry.order)


@dataclass(frozen=True)
class Demo:
    seed: str  # dotted: seed_demo_data(*, today)
    after: tuple[str, ...] = ()  # app labels seeded first


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: Any
    icon: str
    need: int | None = None  # the least a user needs somewhere to see it (a core.access.Need); None: everyone
    section: str = ""  # "", "work", "org", "me"
    order: int = 100


@dataclass(frozen=True)
class Hooks:
    record_kinds: tuple[RecordKind, ...] = ()
    consumers: tuple[Consumer, ...] = ()
    workbench: str | None = None  # dotted: workbench_items(user) -> list[WorkItem]
    # dotted: workbench_probe(user) -> list[QuerySet | Bound] | None: the querysets `workbench` reads for this
    # person, their own rows and their scope's (a superset will do: a secretary's "any meeting to convene or to
    # file here"), the person's own as a chuxin.core.db.PreparedExists bound to their values (compiled once per
    # process: a member's first count of the day is most of its CPU); None when it cannot tell for this person.
    # When none has a row, `workbench` gives nothing and is not asked. The workbench asks every app's probe in one
    # query (chuxin.workbench.selectors).
    workbench_probe: str | None = None
    # The other apps whose rows `workbench` reads besides its own and the foundation's (accounts, members, orgs):
    # their writes renew its kept items too (chuxin.core.versions.work_changed). The suite checks every kept
    # app's items against a fresh gathering (CHUXIN_CHECK_WORKBENCH_KEPT): a missing one fails where it shows.
    workbench_reads: tuple[str, ...] = ()
    workbench_kinds: tuple[WorkbenchKind, ...] = ()
    reminders: str | None = None  # dotted: due_reminders(today) -> list[Reminder]
    housekeeping: tuple[str, ...] = ()  # dotted: f(today) -> None, run before the reminders
    facts: str | None = None  # dotted: period_facts(organization, start, end) -> list[Fact]
    facts_label: Any = None  # the heading of this app's facts in the report's panel
    facts_order: int = 100  # where that block stands in the panel, lowest first
    demo: Demo | None = None
    navigation: tuple[NavEntry, ...] = ()
    standings: str | None = None  # dotted: f(user) -> list[(path, rank)]
    holders: str | None = None  # dotted: f(paths, need, on) -> rows (holder, held_path): standing that holds NEED
    serving: str | None = None  # dotted: the same shape; who answers for an organization by a seat (told, not let in)
    rules: tuple = ()  # chuxin.core.rules.Rule
    rule_overrides: str | None = None  # dotted: f(prefixes) -> [(organization path, code, stored value)]
    matrix_routes: str | None = None  # dotted: routes() for the role matrix
    member_history: str | None = None  # dotted: f(member, user) -> list[HistorySection] for the member's file


@dataclass(frozen=True)
class Entry:
    app: str  # the app label
    hooks: Hooks


def entries() -> list[Entry]:
    """Every installed app's hooks, in INSTALLED_APPS order (not cached: tests install apps of their own)."""
    found = []
    for config in apps.get_app_configs():
        hooks = getattr(config, "hooks", None)
        if isinstance(hooks, Hooks):
            found.append(Entry(config.label, hooks))
    return found


@functools.cache
def _load(dotted: str) -> Callable:
    return import_string(dotted)


def load(dotted: str) -> Callable:
    return _load(dotted)


def record_kinds() -> dict[str, RecordKind]:
    kinds: dict[str, RecordKind] = {}
    for entry in entries():
        for kind in entry.hooks.record_kinds:
            if kind.code in kinds:
                raise ValueError(f"record kind {kind.code!r} is declared twice")
            kinds[kind.code] = kind
    for entry in entries():
        for consumer in entry.hooks.consumers:
            for code in consumer.kinds:
                if code in kinds and kinds[code].no_work and not consumer.no_work:
                    raise ValueError(f"record kind {code!r} changes no one's open work, but the consumer "
                                     f"{consumer.handler} may change someone's: declare it no_work or the kind not")
                if code in kinds and kinds[code].own_work and not (consumer.own_work or consumer.no_work):
                    raise ValueError(f"record kind {code!r} changes only its own people's work, but the consumer "
                                     f"{consumer.handler} may change anyone's: declare it own_work or the kind not")
    return kinds


def consumers(kind: str) -> list[Callable]:
    return [load(c.handler) for e in entries() for c in e.hooks.consumers if kind in c.kinds]


def workbench_providers() -> list[Callable]:
    return [load(e.hooks.workbench) for e in entries() if e.hooks.workbench]


def workbench_apps() -> list[tuple[str, Callable, tuple[str, ...]]]:
    """(app label, provider, the apps it reads besides its own) for every app with a `workbench` hook."""
    return [(e.app, load(e.hooks.workbench), e.hooks.workbench_reads) for e in entries() if e.hooks.workbench]


def workbench_app_labels() -> set[str]:
    return {e.app for e in entries() if e.hooks.workbench}


def record_kind_apps(code: str) -> set[str | None]:
    """The apps whose work a record of this kind may change: the app that declares it and those with a consumer
    of it that may change work (not `no_work`); None for a kind nobody declares."""
    found: set[str | None] = {e.app for e in entries() for kind in e.hooks.record_kinds if kind.code == code} or {None}
    found |= {e.app for e in entries() for c in e.hooks.consumers if code in c.kinds and not c.no_work}
    return found


def workbench_probes() -> dict[Callable, Callable]:
    """{provider: its probe} for the apps that declare both."""
    return {load(e.hooks.workbench): load(e.hooks.workbench_probe)
            for e in entries() if e.hooks.workbench and e.hooks.workbench_probe}


_PROBED_ATTR = "_chuxin_workbench_probed"


@contextlib.contextmanager
def probed(user, answers: Mapping[Any, bool]):
    """While the workbench gathers a person's items: what its probe found, {PreparedExists: found a row} for each
    `Bound` the apps' probes gave (chuxin.workbench.selectors), for `probe_found`."""
    setattr(user, _PROBED_ATTR, answers)
    try:
        yield
    finally:
        delattr(user, _PROBED_ATTR)


def probe_found(user, prepared) -> bool | None:
    """Whether the workbench's probe, in the gathering under way, found a row for `prepared` (a PreparedExists the
    app's own `workbench_probe` bound for this person); None when unknown (no gathering, or not probed). A provider
    skips the query a False stands for: the probe asked it a moment ago, in the same request (a secretary's
    gathering read "tasks to pass on" and "reports to review" again, ~6 ms, to find what the probe had found:
    nothing). It must be the same question: with CHUXIN_CHECK_WORKBENCH_PROBES (the suite) every provider that
    skipped something is asked again without the answers and must give the same items."""
    answers = getattr(user, _PROBED_ATTR, None)
    return None if answers is None else answers.get(prepared)


def workbench_kinds() -> dict[str, WorkbenchKind]:
    """{code: kind} in the kinds' order (not INSTALLED_APPS order, which serves dependencies, not the page)."""
    found = sorted((k for e in entries() for k in e.hooks.workbench_kinds), key=lambda k: k.order)
    return {k.code: k for k in found}


def reminder_sources() -> list[tuple[str, Callable]]:
    return [(e.app, load(e.hooks.reminders)) for e in entries() if e.hooks.reminders]


def housekeeping() -> list[tuple[str, Callable]]:
    return [(e.app, load(name)) for e in entries() for name in e.hooks.housekeeping]


def fact_sources() -> list[tuple[str, Any, Callable]]:
    return [(e.app, e.hooks.facts_label, load(e.hooks.facts)) for e in entries() if e.hooks.facts]


def navigation() -> list[NavEntry]:
    found = [n for e in entries() for n in e.hooks.navigation]
    return sorted(found, key=lambda n: n.order)


def standing_sources() -> list[Callable]:
    return [load(e.hooks.standings) for e in entries() if e.hooks.standings]


def holder_sources(*, serving: bool = False) -> list[Callable]:
    """The sources of the reverse question: standing by grants, and with `serving` the seats people serve in."""
    found = [load(e.hooks.holders) for e in entries() if e.hooks.holders]
    if serving:
        found += [load(e.hooks.serving) for e in entries() if e.hooks.serving]
    return found


def rules() -> list:
    return [r for e in entries() for r in e.hooks.rules]


def rule_override_sources() -> list[Callable]:
    return [load(e.hooks.rule_overrides) for e in entries() if e.hooks.rule_overrides]


def matrix_route_sources() -> list[tuple[str, Callable]]:
    return [(e.app, load(e.hooks.matrix_routes)) for e in entries() if e.hooks.matrix_routes]


def member_history_sources() -> list[tuple[str, Callable]]:
    return [(e.app, load(e.hooks.member_history)) for e in entries() if e.hooks.member_history]


def demo_order() -> list[tuple[str, Callable]]:
    """The apps' demo seeders, each after the apps it names (a topological order; a cycle is an error)."""
    demos = {e.app: e.hooks.demo for e in entries() if e.hooks.demo}
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(app: str) -> None:
        if app in ordered:
            return
        if app in visiting:
            raise ValueError(f"demo seeding order has a cycle at {app!r}")
        visiting.add(app)
        for before in demos[app].after:
            if before in demos:
                visit(before)
        visiting.discard(app)
        ordered.append(app)

    for app in demos:
        visit(app)
    return [(app, load(demos[app].seed)) for app in ordered]
