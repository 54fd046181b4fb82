"""The house's base test case as pytest fixtures: the fixed world and logged-in clients.

The builders live in chuxin/testing.py (the tree and its people are described there); tests import them from
there, never from this module.
"""

from __future__ import annotations

import pytest

from chuxin import testing
from chuxin.accounts.models import User

# Kept for test modules written before chuxin.testing (other branches, until they are merged): import from
# chuxin.testing instead.
from chuxin.testing import PASSWORD, World, make_member, make_user, valid_citizen_id  # noqa: F401


@pytest.fixture
def world(db) -> World:
    return testing.build_world()


@pytest.fixture
def people_files(world) -> World:
    """The world's secretary and committee member with member files in B1, for tests where they hold tasks (task
    people are members)."""
    return testing.give_member_files(world)


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user."""

    def login(user: User):
        return testing.logged_in(client, user)

    return login


@pytest.fixture
def english(settings):
    """For tests that read the English source strings: the UI itself defaults to Chinese."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: Django's LocaleMiddleware leaves the last request's language
    active in the thread, so a test after one that asked in English read English wherever it ran on the same
    xdist worker (the public forms' refusals, asserted in Chinese, failed or passed with the tests' order)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached values are keyed by ids that the next test's rows reuse (the
    workbench count, chuxin.core.versions)."""
    from django.core.cache import cache

    cache.clear()
    yield
