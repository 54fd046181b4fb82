"""Versions in the cache (chuxin.core.versions): made on first use, moved by a write, read with what is kept."""

from __future__ import annotations

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
