"""Versions in the cache (chuxin.core.versions): made on first use, moved by a write, read with what is kept."""

from __future__ import annotations

import time

from django.core.cache import cache

from chuxin.core import versions


def test_a_version_starts_at_one_and_a_bump_moves_it(db):
    assert versions.current("test:a") == 1
    assert versions.current_many("test:a", "test:b") == (1, 1)
    versions.bump("test:a")
    assert versions.current("test:a") == 2
    assert versions.current_many("test:b", "test:a") == (1, 2)


def test_a_version_made_by_another_request_first_is_read_not_reset(db):
    cache.set("chuxin:version:test:c", 7, timeout=None)  # another request made and moved it meanwhile
    assert versions._first("chuxin:version:test:c") == 7
    assert versions.current("test:c") == 7


def test_a_version_and_kept_values_in_one_read(db):
    cache.set("kept:x", ("stamp", 3))
    version, found = versions.current_with("test:d", "kept:x", "kept:missing")
    assert version == 1 and found == {"kept:x": ("stamp", 3)}
    versions.bump("test:d")
    assert versions.current_with("test:d")[0] == 2


def test_several_versions_and_kept_values_in_one_read(db):
    versions.bump("test:e")
    cache.set("kept:y", 5)
    found = versions.current_many_with(("test:e", "test:f"), ("kept:y", "kept:none"))
    assert found == ((2, 1), {"kept:y": 5})


def test_an_apps_version_is_0_until_moved_then_made_from_the_clock_and_made_again_above_after_it_expires(
        db, monkeypatch):
    """The versions per app and person (work_changed) are read as 0 until a write moves them, are made with an
    expiry (a person's one key per app would otherwise stay in Redis for ever), and made again after it from the
    clock: never back to a value a kept stamp may hold."""
    name = versions.of_user(7, "plans")
    key = "chuxin:version:" + name
    assert versions.current_many_with(("work",), (), (name,))[0] == (1, 0)
    versions.work_changed(["plans"], users=[7])  # now, and again at the commit (at once: no transaction here)
    first = versions.current_many_with(("work",), (), (name,))[0][1]
    assert first > 1_700_000_000_000  # milliseconds of the clock
    versions.work_changed(["plans"], users=[7])
    moved = versions.current_many_with(("work",), (), (name,))[0][1]
    assert moved > first
    cache.delete(key)  # expired, EXPIRING_SECONDS after it was made
    later = time.time_ns() + versions.EXPIRING_SECONDS * 1_000_000_000
    monkeypatch.setattr(versions.time, "time_ns", lambda: later)
    assert versions.current_many_with(("work",), (), (name,))[0][1] == 0
    versions.bump(name, expiring=True)
    assert versions.current_many_with(("work",), (), (name,))[0][1] > moved
    assert versions.current("work") == 1  # the house's version: a write of one app's work leaves it alone
