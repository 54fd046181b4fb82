"""A fake provider app standing in for the apps that hand out work (tasks, directives, reports,
responsibilities), so the workbench is tested on its own; tests marked for the real providers use those."""

from __future__ import annotations

import datetime
import itertools

import pytest

from chuxin.core import versions
from chuxin.core.protocols import WorkItem
from chuxin.workbench import selectors

_n = itertools.count(1)


class FakeProvider:
    """workbench_items(user) of a fake app: whatever was given to each user, in no particular order."""

    def __init__(self):
        self.items: dict[int, list[WorkItem]] = {}
        self.calls = 0

    def __call__(self, user) -> list[WorkItem]:
        self.calls += 1
        return list(reversed(self.items.get(user.pk, [])))  # unsorted on purpose: the workbench sorts

    def give(self, user, due: datetime.date | None, *, kind: str = "task", title: str = "", state: str = "open",
             overdue: bool = False, organization: str = "第一支部", uid: str | None = None) -> WorkItem:
        n = next(_n)
        item = WorkItem(
            kind=kind, title=title or f"工作 {n}", url=f"/{kind}s/{n}/", due=due, state=state,
            organization=organization, overdue=overdue, uid=f"{kind}-{n}@chuxin" if uid is None else uid,
        )
        self.items.setdefault(user.pk, []).append(item)
        versions.bump("work")  # as a real app's service does through its audit entry or work record
        return item


@pytest.fixture
def fake_work(monkeypatch, settings) -> FakeProvider:
    """The fake app reads every app (chuxin.workbench.selectors.provider_apps). Its items change without a write
    when a test says so (to show what is kept): the suite's check of kept items against a fresh gathering is off."""
    provider = FakeProvider()
    monkeypatch.setattr(selectors, "providers", lambda: [provider])
    settings.CHUXIN_CHECK_WORKBENCH_KEPT = False
    return provider


@pytest.fixture
def fixed_today(monkeypatch):
    """Pin timezone.localdate() for the views: fixed_today(date)."""

    def pin(day: datetime.date) -> datetime.date:
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
        return day

    return pin


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings (the UI defaults to Chinese)."""
