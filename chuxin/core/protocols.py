"""The shapes apps hand the kernel through the registry: work items, reminders, report facts.

WorkItem: what every app hands to "My workbench" (我的工作台) and the personal calendar.

Each app that gives people work exposes a selector `workbench_items(user) -> list[WorkItem]` returning the
user's open items, built in a constant number of queries whatever their count. The workbench app gathers them,
sorts them soonest first, counts them for the navigation, and draws the calendar and the iCalendar feed from
the same list: an item is recorded once and shown everywhere. Beside it, `workbench_probe(user)` names what it
reads for the person, their own rows and their scope's (querysets, or a chuxin.core.db.PreparedExists bound to
the person's values: compiled once), so the workbench asks every app in one query whether there is anything at
all (docs/architecture.md, "Probes").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class WorkItem(NamedTuple):
    """One piece of open work. A named tuple (immutable, compared by value): a secretary's workbench holds ~500,
    made at each gathering and kept between requests (chuxin.workbench.selectors keeps them as plain tuples); a
    frozen dataclass cost twice as much to make and three times as much to read back from the cache."""

    kind: str  # "task", "directive", "report", "responsibility": which app it comes from
    title: str
    url: str  # where the user acts on it
    due: datetime.date | None  # None sorts last
    state: str  # a short, already translated state: "overdue", "due soon", "returned", "to acknowledge"...
    organization: str = ""  # the organization's name, for context
    overdue: bool = False
    uid: str = ""  # stable id for the calendar feed, e.g. "task-42@chuxin"

    @property
    def sort_key(self) -> tuple:
        return (self.due is None, self.due or datetime.date.max, self.title)


@dataclass(frozen=True)
class Reminder:
    """One reminder an app hands the daily run (registry hook `reminders`); sent once per target, kind and
    dedup_key however often the run goes. Put the date in dedup_key (f"due:{item.due:%Y-%m-%d}") so a moved
    deadline reminds again."""

    recipient: Any  # a User (None or inactive: skipped)
    kind: str  # a Notification.Kind value: "due_soon", "overdue", "report_due"...
    target: Any  # the model instance it is about
    title: str  # the message, untranslated (gettext_noop), with `params`: notify renders it for each reader
    url: str  # a local path where the recipient acts
    dedup_key: str = ""
    params: dict | None = None


@dataclass(frozen=True)
class Fact:
    """One line of a periodic report's pre-filled facts that is a state, not a record (registry hook `facts`):
    tasks overdue, directives still open. Completed work comes from the work records instead."""

    code: str  # stable within its app: "tasks_overdue"
    label: str  # the untranslated message (gettext_noop): the panel shows it in each reader's language
    count: int
    items: list[str] = field(default_factory=list)  # the first titles
    sentence: str = ""  # for the report's first section; empty: not summarised
    titles_in_sentence: bool = True  # the sentence goes on with the first titles ("...: a, b, c")

    def as_json(self) -> dict:
        return {"code": self.code, "label": self.label, "count": self.count, "items": list(self.items),
                "sentence": self.sentence, "titles_in_sentence": self.titles_in_sentence}


@dataclass(frozen=True)
class HistoryRow:
    """One line of a member file's history: a meeting attended, an evaluation's grade."""

    date: datetime.date | None
    text: str  # already translated for the reader
    url: str = ""  # where the reader may look closer ("" when they may not)
    note: str = ""  # a short state: "present", "on leave", "合格"


@dataclass(frozen=True)
class HistorySection:
    """A section an app adds to a member's file (registry hook `member_history`), built for one reader: the app
    decides what that reader may see. Empty sections are left out of the page."""

    title: str  # translated
    rows: list[HistoryRow] = field(default_factory=list)
    order: int = 100
    more_url: str = ""  # the whole list, when rows holds only the latest
