from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from chuxin.core import versions
from chuxin.core.audit_context import AuditContext, client_ip, current

from .models import AuditEntry

__all__ = ["audit_record", "client_ip", "diff", "snapshot"]  # client_ip: the kernel's, named here as before


# Entries of an access or of an account's logins, which change no one's open work: every login in a province
# renewed every workbench in it.
_NO_WORK = frozenset({
    AuditEntry.Action.EXPORT, AuditEntry.Action.REVEAL, AuditEntry.Action.LOGIN, AuditEntry.Action.LOGIN_FAILED,
    AuditEntry.Action.LOCKOUT, AuditEntry.Action.UNLOCK, AuditEntry.Action.PASSWORD, AuditEntry.Action.PASSWORD_RESET,
    AuditEntry.Action.REFUSED,
})


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    organization=None,
    changes: dict[str, Any] | None = None,
    target_repr: str = "",
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Write one audit line. Call inside the transaction that makes the change, so both land or neither.

    Where it came from (address, user agent) is the request's audit context, set by the middleware, so services
    take no request; `request`, when given, is read instead. Outside a request (a job, the daily run, a seed
    command) no address is recorded."""
    actor = actor if actor is not None and actor.is_authenticated else None
    where = AuditContext.of(request) if request is not None else (current() or AuditContext())
    if action not in _NO_WORK:
        # A change someone's open work may depend on (workbench counts and kept items): of the app whose service
        # wrote the entry and of the target's app (a foundation app's or code outside an app: every app's work).
        versions.work_changed({versions.caller_app(), versions.app_of(target.__module__) if target is not None
                               else None})
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=(str(actor) if actor else "")[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr or (str(target) if target is not None else ""))[:200],
        organization=organization,
        organization_path=organization.path if organization is not None else "",
        changes=changes or {},
        ip_address=where.ip,
        user_agent=where.user_agent,
    )


def diff(instance: models.Model, before: dict[str, Any], fields: list[str]) -> dict[str, list]:
    """Field-by-field changes as {field: [old, new]} for the audit log, values kept as text (lists as lists)."""
    changes = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old != new:
            changes[name] = [_show(old), _show(new)]
    return changes


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def _show(value: Any) -> Any:
    """A value as the log keeps it: codes and names as text, lists (a JSON field's) as lists; the log page shows
    them in the reader's language (chuxin/audit/display.py)."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return value
    return str(value)
