"""Services take no request: where a write came from is the request's audit context, set by the middleware.

A write made through a page records the client's address and user agent without the view handing the request to
the service; the same service called outside a request (a job, the daily run, a seed command) records none."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from django.urls import reverse

import chuxin
from chuxin.audit.models import AuditEntry
from chuxin.core import audit_context
from chuxin.members.services import member_reveal_citizen_id
from chuxin.plans.models import PlanArea


def test_an_audited_write_through_a_page_records_where_it_came_from(world, client_for):
    client = client_for(world.secretary)
    response = client.post(reverse("plans:areas", kwargs={"pk": world.b1.pk}), {"defaults": "1"},
                           REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="Mozilla/5.0 (phone)")
    assert response.status_code == 302
    assert PlanArea.objects.filter(organization=world.b1).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, organization=world.b1, actor=world.secretary)
    assert (entry.actor, entry.ip_address, entry.user_agent) == (world.secretary, "198.51.100.23",
                                                                  "Mozilla/5.0 (phone)")
    assert audit_context.current() is None  # nothing carries over once the answer is given


def test_a_service_called_outside_a_request_records_no_address(world):
    member_reveal_citizen_id(actor=world.worker, member=world.member)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEAL)
    assert (entry.actor, entry.ip_address, entry.user_agent) == (world.worker, None, "")


def test_a_block_acting_from_a_context_records_it_and_then_forgets_it(world):
    with audit_context.acting_from(audit_context.AuditContext(ip="192.0.2.40", user_agent="job")):
        member_reveal_citizen_id(actor=world.worker, member=world.member)
    member_reveal_citizen_id(actor=world.worker, member=world.member)
    assert list(AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).order_by("id").values_list(
        "ip_address", "user_agent")) == [("192.0.2.40", "job"), (None, "")]


def test_no_service_takes_the_http_request():
    """Services take plain data: an API or a job calls them as a page does."""
    taking = []
    for info in pkgutil.walk_packages(chuxin.__path__, prefix="chuxin."):
        parts = info.name.split(".")
        if {"tests", "migrations"} & set(parts) or parts[-1] not in ("services", "importing", "exporting"):
            continue
        module = importlib.import_module(info.name)
        for name, function in vars(module).items():
            if (inspect.isfunction(function) and function.__module__ == module.__name__
                    and "request" in inspect.signature(function).parameters and name != "audit_record"):
                taking.append(f"{info.name}.{name}")
    assert taking == []
