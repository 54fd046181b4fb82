"""What every app hands to "My workbench" (我的工作台) and the personal calendar.

Each app that gives people work exposes a selector `workbench_items(user) -> list[WorkItem]` returning the
user's open items, built in a constant number of queries whatever their count. The workbench app gathers them,
sorts them soonest first, counts them for the navigation, and draws the calendar and the iCalendar feed from
the same list: an item is recorded once and shown everywhere.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkItem:
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
