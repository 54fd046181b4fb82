"""The audit app has no write service of an actor's own: it records what other services did, after those
services checked their actor (each app's tests/test_service_rights.py). Named here, so a new function in its
service module is looked at before anything calls it."""

from __future__ import annotations

from chuxin.audit import services
from chuxin.testing import service_functions


def test_the_audit_log_writes_only_for_services_that_checked_their_actor():
    assert service_functions(services) == {"audit_record", "diff", "snapshot"}
