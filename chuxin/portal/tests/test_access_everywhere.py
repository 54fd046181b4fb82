"""Nothing named `access_` skips the access policy: every `access_<entity>` of every app loads its row through
`chuxin.core.access.fetch` (standing on the row's organization, or a declared personal relation), so a person
without standing meets a 404 for a row that exists exactly as for one that does not."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import Http404

import chuxin
from chuxin.core import access
from chuxin.core.access import Need
from chuxin.core.db import PreparedRows
from chuxin.testing import make_user

SKIPPED_PARTS = {"tests", "migrations", "management"}


def access_functions() -> list[tuple[object, str, object]]:
    """(module, name, function) for every function named access_* defined in a product module of the house."""
    found = []
    for info in pkgutil.walk_packages(chuxin.__path__, prefix="chuxin."):
        if SKIPPED_PARTS & set(info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.startswith("access_") and inspect.isfunction(value) and value.__module__ == module.__name__:
                found.append((module, name, value))
    return found


class Fetched(Exception):
    def __init__(self, queryset, relations):
        super().__init__("fetched")
        self.queryset, self.relations = queryset, list(relations)


def call(function, user, pk):
    if "need" in inspect.signature(function).parameters:
        return function(user, pk, need=Need.READ)
    return function(user, pk)


def fetched(monkeypatch, module, function, user, pk=1) -> Fetched | None:
    """Call `function` with fetch replaced by a spy; what it handed to fetch, or None if it never called it."""

    def spy(user, queryset, pk, *, need, organization="organization", relations=()):
        raise Fetched(queryset, relations)

    monkeypatch.setattr(access, "fetch", spy)
    if hasattr(module, "fetch"):
        monkeypatch.setattr(module, "fetch", spy)
    try:
        call(function, user, pk)
    except Fetched as seen:
        return seen
    except Exception:  # noqa: BLE001 - anything else means the row was reached some other way
        return None
    finally:
        monkeypatch.undo()
    return None


def test_every_access_function_goes_through_fetch(db, monkeypatch):
    functions = access_functions()
    names = {f"{module.__name__}.{name}" for module, name, _f in functions}
    # The list is the house's, not a sample: the entities of every app that has single objects.
    assert {"chuxin.plans.selectors.access_task", "chuxin.members.selectors.access_member",
            "chuxin.notifications.selectors.access_notification", "chuxin.reports.selectors.access_report",
            "chuxin.responsibilities.selectors.access_list", "chuxin.orgs.selectors.access_organization",
            "chuxin.directives.selectors.access_recipient"} <= names
    stranger = make_user("nobody")
    skipping = [name for module, name, function in functions if fetched(monkeypatch, module, function, stranger) is None]
    assert skipping == []


def test_every_access_function_answers_404_to_someone_without_standing_for_rows_that_exist_or_not(db, monkeypatch):
    call_command("seed_demo", verbosity=0)
    stranger = make_user("nobody")
    untried = []
    for module, name, function in access_functions():
        seen = fetched(monkeypatch, module, function, stranger)
        assert seen is not None, f"{name} does not go through fetch"
        # fetch takes a queryset, or a PreparedRows of one by its pk (core.db)
        model = (seen.queryset.queryset(1) if isinstance(seen.queryset, PreparedRows) else seen.queryset).model
        existing = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if existing is None:
            untried.append(name)
            continue
        for pk in (existing, existing + 10**9):
            with pytest.raises(Http404):
                call(function, stranger, pk)
    assert untried == []  # the demo has a row of every kind


def test_every_app_with_services_tries_each_of_them_without_standing():
    """Services check their actor themselves: each app with a services module has a test that calls every write
    service with actors who lack standing (tests/test_service_rights.py) and names the rest."""
    root = Path(chuxin.__file__).parent
    apps_with_services = sorted(path.parent.name for path in root.glob("*/services.py"))
    assert len(apps_with_services) >= 10
    assert [app for app in apps_with_services if not (root / app / "tests" / "test_service_rights.py").exists()] == []


# Writes to the database; Django's cache is not one (the workbench count keeps its memo there: `cache.delete(`).
WRITES = re.compile(r"(?<!\bcache)\.(create|save|update|delete|bulk_create|bulk_update|get_or_create|"
                    r"update_or_create)\(|periods_open|select_for_update")


def test_selectors_never_write():
    """Reads are selectors, writes are services: opening a page writes nothing through a selector (the report pages
    that open periods call the periods service from the view, as the daily run does)."""
    root = Path(chuxin.__file__).parent
    writing = [f"{path.relative_to(root)}:{n}" for path in sorted(root.glob("*/selectors.py"))
               for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
               if WRITES.search(line)]
    assert writing == []
