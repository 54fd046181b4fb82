"""Gathering, ordering and grouping of my work."""

from __future__ import annotations

import datetime
import sys
import types
from types import SimpleNamespace

import pytest

from chuxin.core.protocols import WorkItem
from chuxin.workbench import selectors
from chuxin.workbench.selectors import Group, group_of, grouped, my_items, open_count

D = datetime.date


def item(due, title="x", **extra) -> WorkItem:
    return WorkItem(kind=extra.pop("kind", "task"), title=title, url="/x/", due=due, state="open", **extra)


def test_items_come_soonest_first_with_undated_last(world, fake_work):
    user = world.secretary
    for due in (D(2026, 3, 1), None, D(2026, 1, 5), D(2026, 2, 1), None):
        fake_work.give(user, due)
    assert [i.due for i in my_items(user)] == [D(2026, 1, 5), D(2026, 2, 1), D(2026, 3, 1), None, None]


def test_items_on_the_same_day_are_ordered_by_title(world, fake_work):
    for title in ("乙", "甲", "丙"):
        fake_work.give(world.secretary, D(2026, 1, 5), title=title)
    assert [i.title for i in my_items(world.secretary)] == sorted(["乙", "甲", "丙"])


def test_it_gathers_every_provider_and_only_the_users_own(world, monkeypatch):
    tasks = lambda user: [item(D(2026, 1, 2), "task", kind="task")] if user == world.secretary else []  # noqa: E731
    reports = lambda user: [item(D(2026, 1, 1), "report", kind="report")]  # noqa: E731
    monkeypatch.setattr(selectors, "providers", lambda: [tasks, reports])
    assert [i.title for i in my_items(world.secretary)] == ["report", "task"]
    assert [i.title for i in my_items(world.committee)] == ["report"]


def test_the_gathering_is_done_once_per_request(world, fake_work):
    fake_work.give(world.secretary, D(2026, 1, 1))
    my_items(world.secretary)
    assert open_count(world.secretary) == 1
    my_items(world.secretary)
    assert fake_work.calls == 1
    selectors.forget(world.secretary)
    my_items(world.secretary)
    assert fake_work.calls == 2


def test_anonymous_and_inactive_users_have_no_work(world, fake_work):
    from django.contrib.auth.models import AnonymousUser

    world.stranger.is_active = False
    fake_work.give(world.stranger, D(2026, 1, 1))
    assert my_items(world.stranger) == []
    assert my_items(AnonymousUser()) == []
    assert fake_work.calls == 0


# ---------------------------------------------------------------------------------------------------------------
# Discovery


def fake_module(monkeypatch, name: str, **attrs) -> None:
    module = types.ModuleType(name)
    module.__path__ = []  # a package, so importing a missing submodule fails with that submodule's name
    for key, value in attrs.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)


def test_it_finds_the_apps_that_define_workbench_items_and_skips_the_others(monkeypatch):
    def work(user):
        return []

    fake_module(monkeypatch, "chuxin.fakework")
    fake_module(monkeypatch, "chuxin.fakework.selectors", workbench_items=work)
    fake_module(monkeypatch, "chuxin.noselectors")  # an app without a selectors module
    fake_module(monkeypatch, "chuxin.nowork")
    fake_module(monkeypatch, "chuxin.nowork.selectors", something_else=work)  # selectors, but no work
    fake_module(monkeypatch, "other.app")
    fake_module(monkeypatch, "other.app.selectors", workbench_items=lambda user: [])  # not ours
    names = ["chuxin.fakework", "chuxin.noselectors", "chuxin.nowork", "other.app", "chuxin.workbench"]
    monkeypatch.setattr(selectors.apps, "get_app_configs", lambda: [SimpleNamespace(name=n) for n in names])
    assert selectors.providers() == [work]


def test_a_provider_that_fails_to_import_is_not_silently_skipped(monkeypatch):
    fake_module(monkeypatch, "chuxin.broken")

    class Finder:
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name == "chuxin.broken.selectors":
                raise ModuleNotFoundError("No module named 'missing_dependency'", name="missing_dependency")
            return None

    monkeypatch.setattr(sys, "meta_path", [Finder(), *sys.meta_path])
    monkeypatch.setattr(selectors.apps, "get_app_configs", lambda: [SimpleNamespace(name="chuxin.broken")])
    with pytest.raises(ModuleNotFoundError):
        selectors.providers()


def test_the_installed_apps_providers_are_found():
    """Whatever providers exist now are found in the project's own apps (none is required to exist)."""
    found = selectors.providers()
    assert all(p.__name__ == "workbench_items" and p.__module__.startswith("chuxin.") for p in found)


# ---------------------------------------------------------------------------------------------------------------
# Groups: Overdue / This week (today to Sunday) / Later / No date

WEDNESDAY = D(2026, 11, 25)


@pytest.mark.parametrize(
    ("due", "group"),
    [
        (D(2026, 11, 24), Group.OVERDUE),  # yesterday
        (D(2025, 1, 1), Group.OVERDUE),
        (WEDNESDAY, Group.THIS_WEEK),  # today is not overdue yet
        (D(2026, 11, 29), Group.THIS_WEEK),  # Sunday closes the week
        (D(2026, 11, 30), Group.LATER),  # next Monday
        (D(2027, 6, 1), Group.LATER),
        (None, Group.NO_DATE),
    ],
)
def test_group_boundaries(due, group):
    assert group_of(item(due), WEDNESDAY) == group


def test_on_sunday_this_week_is_today_only():
    sunday = D(2026, 11, 29)
    assert group_of(item(sunday), sunday) == Group.THIS_WEEK
    assert group_of(item(D(2026, 11, 30)), sunday) == Group.LATER


def test_an_item_its_app_calls_overdue_is_overdue_whatever_its_date():
    # e.g. a report whose grace period the reports app decides on, or an undated duty behind its deadline
    assert group_of(item(WEDNESDAY, overdue=True), WEDNESDAY) == Group.OVERDUE
    assert group_of(item(None, overdue=True), WEDNESDAY) == Group.OVERDUE


def test_grouped_keeps_every_group_in_order_and_soonest_first():
    items = sorted([item(D(2026, 12, 9)), item(None), item(D(2026, 11, 1)), item(D(2026, 11, 26)),
                    item(D(2026, 11, 20))], key=lambda i: i.sort_key)
    groups = grouped(items, WEDNESDAY)
    assert list(groups) == list(Group.ORDER)
    assert [i.due for i in groups[Group.OVERDUE]] == [D(2026, 11, 1), D(2026, 11, 20)]
    assert [i.due for i in groups[Group.THIS_WEEK]] == [D(2026, 11, 26)]
    assert [i.due for i in groups[Group.LATER]] == [D(2026, 12, 9)]
    assert [i.due for i in groups[Group.NO_DATE]] == [None]
