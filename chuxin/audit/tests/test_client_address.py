"""The client address the audit log and the login throttle record: never what a client made up.

Run on SQLite and on PostgreSQL (DATABASE_URL), where the address column is `inet` and a stored non-address
used to fail the whole write with a server error."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from chuxin.accounts.models import LoginThrottle
from chuxin.audit.models import AuditEntry
from chuxin.audit.services import client_ip

FORGED = ["not-an-address", "<script>alert(1)</script>", "1.2.3.4.5", "999.1.1.1", "' OR 1=1 --", "x" * 500,
          "203.0.113.9, junk", "\x00", "fe80::1%eth0"]


@pytest.mark.parametrize("forged", FORGED)
def test_a_forged_header_on_the_login_fails_nothing_and_records_the_socket(world, client, forged):
    response = client.post(reverse("accounts:login"), {"identifier": "secretary", "password": "wrong"},
                           HTTP_X_FORWARDED_FOR=forged, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 200
    # The failure was counted (nothing rolled it back), for the socket's address, not the header's.
    assert LoginThrottle.objects.get(user=world.secretary).key == f"a{world.secretary.pk}|192.0.2.10"
    assert LoginThrottle.objects.get(user=world.secretary).failures == 1
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED)
    assert entry.ip_address == "192.0.2.10"


@pytest.mark.parametrize("forged", FORGED[:3])
def test_a_forged_header_on_an_audited_write_fails_nothing_and_records_the_socket(world, client_for, forged):
    client = client_for(world.worker)
    response = client.post(reverse("members:reveal-id", kwargs={"pk": world.member.pk}),
                           HTTP_X_FORWARDED_FOR=forged, REMOTE_ADDR="192.0.2.11", HTTP_USER_AGENT="agent\x00x")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEAL)
    assert (entry.ip_address, entry.user_agent) == ("192.0.2.11", "agentx")


def test_a_forged_address_is_not_believed_without_a_trusted_proxy(world, client):
    client.post(reverse("accounts:login"), {"identifier": "secretary", "password": "wrong"},
                HTTP_X_FORWARDED_FOR="10.0.0.1", REMOTE_ADDR="192.0.2.12")
    assert AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED).ip_address == "192.0.2.12"


def _request(forwarded: str | None, remote: str = "127.0.0.1"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("count", "forwarded", "remote", "expected"),
    [
        (0, "203.0.113.7", "127.0.0.1", "127.0.0.1"),  # no proxy trusted: the socket
        (0, None, "2001:db8::1", "2001:db8::1"),
        (0, None, "garbage", None),
        (1, "203.0.113.7", "127.0.0.1", "203.0.113.7"),  # nginx overwriting the header
        (1, "6.6.6.6, 203.0.113.7", "127.0.0.1", "203.0.113.7"),  # nginx appending: the client's part is ignored
        (1, "6.6.6.6,203.0.113.7 ", "127.0.0.1", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "127.0.0.1", "203.0.113.7"),  # balancer, then nginx
        (1, "6.6.6.6, not-an-ip", "127.0.0.1", None),  # what our own proxy wrote is not an address: unknown
        (1, "203.0.113.7:51234", "127.0.0.1", "203.0.113.7"),  # with a port
        (1, "[2001:db8::7]:443", "127.0.0.1", "2001:db8::7"),
        (1, "2001:DB8:0:0::7", "127.0.0.1", "2001:db8::7"),  # stored in one canonical form
        (1, "fe80::7%eth0", "127.0.0.1", "fe80::7"),  # without the zone, which PostgreSQL's inet refuses
        (2, "203.0.113.7", "127.0.0.1", "127.0.0.1"),  # fewer entries than proxies: only the socket is certain
        (1, None, "127.0.0.1", "127.0.0.1"),
        (1, "", "127.0.0.1", "127.0.0.1"),
    ],
)
def test_the_client_address_is_the_nth_from_the_right(settings, count, forwarded, remote, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(forwarded, remote)) == expected


def test_behind_one_trusted_proxy_the_login_counts_the_real_client(world, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(reverse("accounts:login"), {"identifier": "secretary", "password": "wrong"},
                HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.50", REMOTE_ADDR="127.0.0.1")
    assert LoginThrottle.objects.filter(key="ip|203.0.113.50").exists()
    assert AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED).ip_address == "203.0.113.50"
