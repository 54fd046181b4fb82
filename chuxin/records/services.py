"""The one writer of work records.

A service that completes a piece of work calls `record_work` inside its own transaction. The record is written
once (a retry or a race finds the one already there), and every consumer of its kind (declared in the registry:
responsibility lists ticking their duties, and later points and study hours) runs in the same transaction, so
nothing is lost and nothing is counted twice. Producers never import consumers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, models, transaction

from chuxin.core import registry, versions
from chuxin.core.models import url_of

from .models import WorkRecord


class UnknownKind(ValueError):
    pass


def _payload(kind: registry.RecordKind, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload checked against the kind's declared fields and made JSON-safe (dates as ISO strings)."""
    unknown = set(payload) - set(kind.payload)
    if unknown:
        raise ValueError(f"record kind {kind.code!r} does not carry {sorted(unknown)}")
    clean: dict[str, Any] = {}
    for name, typ in kind.payload.items():
        if name not in payload:
            raise ValueError(f"record kind {kind.code!r} needs {name!r}")
        value = payload[name]
        if value is not None and not isinstance(value, typ):
            raise TypeError(f"{kind.code}.{name} must be {typ.__name__}, not {type(value).__name__}")
        if isinstance(value, datetime.date):
            value = value.isoformat()
        clean[name] = value
    return clean


def _renew_counts(spec: registry.RecordKind, actor, users: list, members: list) -> None:
    """Someone's open work changed: drop the workbench counts and kept items it may reach (chuxin.core.versions),
    those of the app that declares the kind and of the apps whose consumers of it may change work. A kind that
    changes only its own people's work renews theirs (the actor, the users, the members' accounts); any other
    renews everyone's; a kind that changes no one's (a practice finished) renews none."""
    if spec.no_work:
        return
    apps = registry.record_kind_apps(spec.code)
    if not spec.own_work:
        versions.work_changed(apps)
        return
    people = {u.pk for u in users}
    people |= {m.user_id for m in members if getattr(m, "user_id", None)}
    if actor is not None and getattr(actor, "is_authenticated", False):
        people.add(actor.pk)
    versions.work_changed(apps, users=people)


def record_work(
    *,
    kind: str,
    organization,
    on: datetime.date | datetime.datetime,
    target: models.Model,
    actor=None,
    users: Iterable = (),
    members: Iterable = (),
    payload: dict[str, Any] | None = None,
    label: str = "",
    url: str = "",
    key: str = "",
) -> tuple[WorkRecord, bool]:
    """Record a piece of work once; returns (record, created). Consumers run only for a new record."""
    spec = registry.record_kinds().get(kind)
    if spec is None:
        raise UnknownKind(f"unknown record kind {kind!r}: declare it in its app's hooks")
    if isinstance(on, datetime.datetime):
        on = on.date()
    clean = _payload(spec, payload or {})
    identity = {"kind": kind, "target_type": target._meta.label_lower, "target_id": str(target.pk), "key": key}
    with transaction.atomic():
        existing = WorkRecord.objects.filter(**identity).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():  # a savepoint: a concurrent twin must not spoil the producer's transaction
                record = WorkRecord.objects.create(
                    **identity, organization=organization, organization_path=organization.path,
                    actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
                    on=on, label=(label or str(target))[:200], url=(url or url_of(target))[:300], payload=clean,
                )
        except IntegrityError:
            return WorkRecord.objects.get(**identity), False
        users = [u for u in users if u is not None]
        members = [m for m in members if m is not None]
        if users:  # a new record: nothing to compare with, as set() would first
            record.users.add(*users)
        if members:
            record.members.add(*members)
        record._users, record._members = users, members  # consumers read them without a query
        _renew_counts(spec, actor, users, members)
        for consume in registry.consumers(kind):
            consume(record)
    return record, True
