"""The login throttle as an attacker would try it: locking someone else out, spraying one password over many
accounts, racing guesses in parallel, and telling real accounts from made-up ones by the answers."""

from __future__ import annotations

import datetime
import re
import threading
import time

import pytest
from django.conf import settings
from django.contrib.auth import hashers
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from chuxin.accounts.backends import UsernameOrPhoneBackend
from chuxin.accounts.models import LoginThrottle
from chuxin.audit.models import AuditEntry
from chuxin.testing import PASSWORD, make_user

LOGIN = "/accounts/login/"
ATTACKER = "198.51.100.66"
OWNER = "10.1.2.3"


def log_in(client: Client, identifier: str, password: str = PASSWORD, *, address: str = OWNER):
    return client.post(LOGIN, {"identifier": identifier, "password": password}, REMOTE_ADDR=address)


def message(response) -> str:
    errors = response.context["form"].non_field_errors() if response.context else []
    return " ".join(errors)


def zh(text: str, **params) -> str:
    with translation.override("zh-hans"):
        return gettext(text) % params if params else gettext(text)


def test_a_stranger_failing_from_another_address_cannot_lock_the_owner_out(world):
    attacker = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES * 3):
        log_in(attacker, "secretary", "guess", address=ATTACKER)
    # The attacker is held off, even with the right password (so a hit cannot be told from a miss) ...
    assert message(log_in(attacker, "secretary", PASSWORD, address=ATTACKER)) == zh(
        "Too many failed attempts. Try again in %(minutes)s minutes.", minutes=settings.LOGIN_LOCKOUT_MINUTES
    )
    # ... and only five passwords were tried; the attempts during the delay were not even checked.
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).count() == settings.LOGIN_MAX_FAILURES
    owner = Client()
    response = log_in(owner, "secretary", PASSWORD, address=OWNER)
    assert response.status_code == 302
    assert response["Location"] == "/workbench/start/"  # logged in: off to the page with their work


def test_spraying_one_password_over_many_accounts_is_delayed_per_address(world, settings):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    attacker = Client()
    for name in ("secretary", "committee", "nobody-1", "viewer"):  # one guess each: no pair reaches its limit
        last = log_in(attacker, name, "Password1", address=ATTACKER)
    assert message(last) == zh("Too many failed attempts. Try again in %(minutes)s minutes.",
                               minutes=settings.LOGIN_LOCKOUT_MINUTES)
    # From that address nothing gets through now, not even a right password: a hit cannot be told from a miss.
    refused = log_in(attacker, "worker", PASSWORD, address=ATTACKER)
    assert refused.status_code == 200
    assert "Too many" in message(refused) or "次数过多" in message(refused)
    # Everyone else is unaffected.
    assert log_in(Client(), "worker", PASSWORD, address=OWNER).status_code == 302


def test_a_right_password_does_not_count_against_the_address(world, settings):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    office = Client()
    log_in(office, "secretary", "typo", address=OWNER)
    log_in(office, "committee", "typo", address=OWNER)
    for _ in range(5):  # colleagues behind the same address logging in correctly
        assert log_in(Client(), "worker", PASSWORD, address=OWNER).status_code == 302
    assert message(log_in(office, "viewer", "typo", address=OWNER)) == zh(
        "Too many failed attempts. Try again in %(minutes)s minutes.", minutes=settings.LOGIN_LOCKOUT_MINUTES)


def test_a_right_password_after_a_delay_does_not_hold_the_office_off(world, settings):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    for name in ("secretary", "committee", "viewer"):
        log_in(Client(), name, "typo", address=OWNER)
    office = LoginThrottle.objects.get(key=f"ip|{OWNER}")
    assert office.is_blocked()
    LoginThrottle.objects.filter(pk=office.pk).update(blocked_until=timezone.now() - datetime.timedelta(seconds=1))
    # Past the limit, every attempt is counted in advance and would start a longer delay: a right one takes it back.
    for _ in range(3):
        assert log_in(Client(), "worker", PASSWORD, address=OWNER).status_code == 302
    assert not LoginThrottle.objects.get(key=f"ip|{OWNER}").is_blocked()


def test_failures_are_forgotten_after_a_day(world):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        log_in(Client(), "secretary", "typo", address=OWNER)
    LoginThrottle.objects.filter(user=world.secretary).update(
        window_started_at=timezone.now() - datetime.timedelta(hours=25))
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):  # four more the next day: still no delay
        response = log_in(Client(), "secretary", "typo", address=OWNER)
    assert message(response) == zh("The username or phone number and password do not match.")


def _normalized(response) -> str:
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'name="identifier" value="[^"]*"', "", html)


def test_existing_and_unknown_accounts_get_identical_answers_and_work(world, monkeypatch):
    hashed = []
    real_encode = hashers.MD5PasswordHasher.encode
    monkeypatch.setattr(hashers.MD5PasswordHasher, "encode",
                        lambda self, password, salt: hashed.append(1) or real_encode(self, password, salt))

    def attempts(identifier: str) -> list[tuple[int, str, int, int]]:
        client = Client()
        seen = []
        for _ in range(settings.LOGIN_MAX_FAILURES + 2):
            hashed.clear()
            before = AuditEntry.objects.count()
            response = log_in(client, identifier, "wrong-password", address=ATTACKER)
            seen.append((response.status_code, _normalized(response), len(hashed),
                         AuditEntry.objects.count() - before))
        return seen

    real, made_up = attempts("secretary"), attempts("no-such-person")
    assert real == made_up
    # One password hash and one audit entry per checked attempt (two when the delay starts), none while delayed.
    assert [(hashes, audited) for _s, _h, hashes, audited in real] == (
        [(1, 1)] * (settings.LOGIN_MAX_FAILURES - 1) + [(1, 2), (0, 0), (0, 0)]
    )
    assert zh("Too many failed attempts. Try again in %(minutes)s minutes.",
              minutes=settings.LOGIN_LOCKOUT_MINUTES) in real[-1][1]


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_do_not_pass_the_limit(monkeypatch):
    if connection.vendor != "postgresql":
        # The test database of SQLite is in memory with a shared cache, whose table locks fail at once instead of
        # waiting: threads cannot share it. (A file database serializes writers; CI runs this on PostgreSQL.)
        pytest.skip("parallel logins are tested on PostgreSQL (DATABASE_URL)")
    make_user("target")
    # A password check as slow as Argon2's, so every guess is in flight while the others are checked.
    real_authenticate = UsernameOrPhoneBackend.authenticate

    def slow(self, request, username=None, password=None, **kwargs):
        time.sleep(0.2)
        return real_authenticate(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(UsernameOrPhoneBackend, "authenticate", slow)
    guesses = settings.LOGIN_MAX_FAILURES * 2
    start = threading.Barrier(guesses)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def guess(n: int) -> None:
        try:
            start.wait()
            statuses.append(log_in(Client(), "target", f"guess-{n}", address=ATTACKER).status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert statuses == [200] * guesses  # refused, never a server error
    checked = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).count()
    assert checked == settings.LOGIN_MAX_FAILURES  # only as many passwords were tried as the limit allows
    # and the owner still gets in from their own address
    assert log_in(Client(), "target", PASSWORD, address=OWNER).status_code == 302


def test_the_audit_log_of_a_worker_shows_their_own_delays(world, client_for):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        log_in(Client(), "worker", "wrong", address=ATTACKER)
    response = client_for(world.worker).get(reverse("audit:list"), {"action": AuditEntry.Action.LOCKOUT})
    entries = list(response.context["page_obj"])
    assert [(e.target_id, e.ip_address) for e in entries] == [(str(world.worker.pk), ATTACKER)]
