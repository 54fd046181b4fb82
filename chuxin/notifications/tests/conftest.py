from __future__ import annotations

import sys
import types

import pytest

from chuxin.notifications import reminders
from chuxin.notifications.reminders import Reminder


@pytest.fixture
def fake_reminders(monkeypatch, world):
    """A stand-in `chuxin.reports.reminders` module: the reminder job must find it like any app's.

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
    monkeypatch.setitem(sys.modules, "chuxin.reports.reminders", module)
    # The job still discovers modules through the app registry; only the other apps' real ones are left out, so
    # these tests count what they seed and nothing else.
    found = reminders.reminder_modules
    monkeypatch.setattr(reminders, "reminder_modules", lambda: [m for m in found() if getattr(m, "fake", False)])
    return module


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings (the UI defaults to Chinese)."""
