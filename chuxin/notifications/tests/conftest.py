from __future__ import annotations

import types

import pytest

from chuxin.core import registry
from chuxin.core.protocols import Reminder


@pytest.fixture
def fake_reminders(monkeypatch, world):
    """A stand-in for the reports app's `reminders` hook: the reminder job must find it like any app's.

    `items` is the list its due_reminders returns; tests change it to move dates or add work."""
    module = types.ModuleType("chuxin.reports.reminders")
    module.items = [
        Reminder(recipient=world.secretary, kind="due_soon", target=world.b1, title="支部工作计划将于3日后到期",
                 url="/orgs/", dedup_key="due:2026-03-04"),
        Reminder(recipient=world.committee, kind="overdue", target=world.b1, title="组织生活会材料已逾期",
                 url="/orgs/", dedup_key="due:2026-02-28"),
    ]
    module.calls = []

    def due_reminders(today):
        module.calls.append(today)
        return list(module.items)

    module.due_reminders = due_reminders
    module.fake = True
    # The job reads the registry; only the other apps' real hooks are left out, so these tests count what they
    # seed and nothing else.
    module.sources = [("reports", due_reminders)]
    monkeypatch.setattr(registry, "reminder_sources", lambda: list(module.sources))
    monkeypatch.setattr(registry, "housekeeping", lambda: [])
    return module


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings (the UI defaults to Chinese)."""
