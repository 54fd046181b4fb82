"""The records app has no write service of an actor's own: a work record is written by the service that
completed the work, after it checked its actor (each app's tests/test_service_rights.py); `actor` there only says
who did it. Named here, so a new function in its service module is looked at before anything calls it."""

from __future__ import annotations

from chuxin.records import services
from chuxin.testing import service_functions


def test_the_record_stream_writes_only_for_services_that_checked_their_actor():
    assert service_functions(services) == {"record_work"}
