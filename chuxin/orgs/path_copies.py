"""Copies of an organization's path kept on other rows, and their upkeep when a subtree moves.

Many records keep their organization's path beside its id (`Meeting.organization_path`, `WorkRecord.
organization_path`, `Member.org_path`, `JointProject.host_path`, ...), so that a superior's scope is one range on
their own table. When a subtree moves, every such copy must follow, or the records stay where the subtree was: its
old superior still sees them and the new one does not.

The house rule (docs/architecture.md, "Paths"): a column that holds a copy of an organization's path is a
CharField whose name ends in `_path`. `path_copies()` finds them all by that rule in every installed app, so an app
added later is covered without registering anything (a test lists them, to notice a column that breaks the rule).
The organizations app imports no app above it: it reads the models through Django's registry.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from chuxin.core.paths import subtree_q


def path_copies() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every column that copies an organization's path."""
    found = []
    for model in apps.get_models():
        if model._meta.label == "orgs.Organization" or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField) and field.name.endswith("_path"):
                found.append((model, field.name))
    return found


def subtree_moved(old_path: str, new_path: str) -> dict[str, int]:
    """The subtree at `old_path` now hangs at `new_path`: one UPDATE per column rewrites the prefix of every copy
    in the subtree (a range on the column, as the scopes read it). Returns the rows rewritten per column."""
    rewritten = {}
    for model, name in path_copies():
        count = model._base_manager.filter(subtree_q(old_path, name)).update(
            **{name: Concat(Value(new_path), Substr(name, len(old_path) + 1))})
        if count:
            rewritten[f"{model._meta.label}.{name}"] = count
    return rewritten
