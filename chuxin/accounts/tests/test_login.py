"""Logging in (username or phone, lockout), the forced password change, logout, language, role grants."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from chuxin.accounts.models import LoginThrottle, Role, RoleGrant, User
from chuxin.audit.models import AuditEntry
from chuxin.testing import PASSWORD, make_user

LOGIN = "/accounts/login/"


def zh(message: str, **params) -> str:
    """A message as the page shows it: in the default language, HTML-escaped."""
    with translation.override("zh-hans"):
        text = gettext(message)
        return escape(text % params if params else text)


def log_in(client: Client, identifier: str, password: str = PASSWORD):
    return client.post(LOGIN, {"identifier": identifier, "password": password})


def logged_in_as(client: Client) -> str | None:
    response = client.get(reverse("portal:me"))
    return response.wsgi_request.user.username if response.status_code == 200 else None


# Logging in


def test_log_in_by_username(world, client):
    response = log_in(client, "secretary")
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:landing")  # the workbench or home: test_landing.py
    assert logged_in_as(client) == "secretary"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, actor=world.secretary).count() == 1


def test_the_username_is_not_case_sensitive(world, client):
    assert log_in(client, " Secretary ").status_code == 302
    assert logged_in_as(client) == "secretary"


def test_log_in_by_phone(db, client):
    make_user("zhang", phone="13911112222")
    assert log_in(client, "13911112222").status_code == 302
    assert logged_in_as(client) == "zhang"


def test_log_in_goes_back_to_the_page_asked_for(world, client):
    response = client.post(LOGIN + "?next=/members/", {"identifier": "secretary", "password": PASSWORD})
    assert response["Location"] == "/members/"


def test_log_in_does_not_send_you_to_another_site(world, client):
    response = client.post(LOGIN + "?next=https://evil.example/", {"identifier": "secretary", "password": PASSWORD})
    assert response["Location"] == reverse("workbench:landing")


def test_a_wrong_password_is_refused_with_a_message(world, client):
    response = log_in(client, "secretary", "wrong-password")
    assert response.status_code == 200
    assert zh("The username or phone number and password do not match.") in response.content.decode()
    assert logged_in_as(client) is None
    assert LoginThrottle.objects.get(key=f"a{world.secretary.pk}|127.0.0.1").failures == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).count() == 1


def test_an_unknown_account_gets_the_same_message(db, client):
    response = log_in(client, "nobody", "whatever")
    assert zh("The username or phone number and password do not match.") in response.content.decode()


def test_an_inactive_account_cannot_log_in(world, client):
    User.objects.filter(username="secretary").update(is_active=False)
    assert log_in(client, "secretary").status_code == 200
    assert logged_in_as(client) is None


# The throttle (more, as an attacker would try it, in test_throttle.py)


def delayed(minutes: int) -> str:
    return zh("Too many failed attempts. Try again in %(minutes)s minutes.", minutes=minutes)


def test_too_many_failures_delay_further_attempts_from_there(world, client):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        log_in(client, "secretary", "wrong")
    last = log_in(client, "secretary", "wrong")
    assert delayed(settings.LOGIN_LOCKOUT_MINUTES) in last.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOCKOUT, target_id=str(world.secretary.pk)).count() == 1
    # Now even the right password is refused from here, with the minutes left: a correct guess shows nothing.
    right = log_in(client, "secretary")
    assert right.status_code == 200
    assert delayed(settings.LOGIN_LOCKOUT_MINUTES) in right.content.decode()
    assert logged_in_as(client) is None


def test_the_delay_also_holds_for_the_phone_number(world, client):
    User.objects.filter(username="secretary").update(phone="13911112222")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        log_in(client, "secretary", "wrong")
    log_in(client, "13911112222")
    assert logged_in_as(client) is None


def test_one_fewer_failure_does_not_delay_and_success_starts_afresh(world, client):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        log_in(client, "secretary", "wrong")
    assert log_in(client, "secretary").status_code == 302
    assert not LoginThrottle.objects.filter(user=world.secretary).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOCKOUT).exists()
    client.post(reverse("accounts:logout"))
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):  # a fresh count: four more are still not delayed
        response = log_in(client, "secretary", "wrong")
    assert zh("The username or phone number and password do not match.") in response.content.decode()
    assert log_in(client, "secretary").status_code == 302


def test_the_delay_expires_and_the_next_one_is_twice_as_long(world, client):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        log_in(client, "secretary", "wrong")
    throttle = LoginThrottle.objects.get(user=world.secretary)
    assert throttle.is_blocked()
    LoginThrottle.objects.filter(pk=throttle.pk).update(blocked_until=timezone.now() - datetime.timedelta(seconds=1))
    again = log_in(client, "secretary", "wrong")  # one more failure after the delay: a longer delay at once
    assert delayed(2 * settings.LOGIN_LOCKOUT_MINUTES) in again.content.decode()
    LoginThrottle.objects.filter(pk=throttle.pk).update(blocked_until=timezone.now() - datetime.timedelta(seconds=1))
    assert log_in(client, "secretary").status_code == 302
    assert logged_in_as(client) == "secretary"
    assert not LoginThrottle.objects.filter(user=world.secretary).exists()


# The forced password change


@pytest.fixture
def newcomer(db) -> User:
    user = make_user("newcomer")
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("path", ["/", "/me/", "/members/", "/orgs/", "/audit/"])
def test_a_one_time_password_leads_to_the_password_page_from_any_page(newcomer, client, path):
    client.force_login(newcomer)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")


def test_after_changing_the_password_you_land_on_your_work(newcomer, client):
    log_in(client, "newcomer")
    page = client.get(reverse("accounts:password_change"))
    assert zh("Please choose your own password before you go on.") in page.content.decode()
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "Qingshan-Lushui-2026", "new_password2": "Qingshan-Lushui-2026",
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:landing")
    assert client.get(response["Location"])["Location"] == "/"  # nothing waits for a newcomer: home
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password
    assert newcomer.check_password("Qingshan-Lushui-2026")
    assert client.get("/me/").status_code == 200  # still logged in, no longer redirected
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PASSWORD, actor=newcomer).count() == 1


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field"),
    [
        ("wrong-old", "Qingshan-Lushui-2026", "Qingshan-Lushui-2026", "old_password"),
        (PASSWORD, "Qingshan-Lushui-2026", "Qingshan-Lushui-2027", "new_password2"),
        (PASSWORD, PASSWORD, PASSWORD, "new_password1"),
        (PASSWORD, "short1", "short1", "new_password1"),
        (PASSWORD, "2026081512345", "2026081512345", "new_password1"),
        (PASSWORD, "password123", "password123", "new_password1"),
    ],
    ids=["wrong-old", "differ", "unchanged", "too-short", "all-digits", "common"],
)
def test_password_validation_errors_are_shown(newcomer, client, old, new1, new2, field):
    client.force_login(newcomer)
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": old, "new_password1": new1, "new_password2": new2})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert errors
    html = response.content.decode()
    assert all(escape(e) in html for e in errors)
    newcomer.refresh_from_db()
    assert newcomer.must_change_password
    assert newcomer.check_password(PASSWORD)


# Logout


def test_logout_is_post_only(world, client):
    client.force_login(world.secretary)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert logged_in_as(client) == "secretary"
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert logged_in_as(client) is None
    assert client.get("/").status_code == 302


# Language


def test_the_default_language_is_chinese(db, client):
    html = client.get(LOGIN).content.decode()
    assert 'lang="zh-hans"' in html
    assert zh("Log in") in html


def test_switching_to_english(world, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    html = client.get(LOGIN).content.decode()
    assert 'lang="en"' in html
    assert "Log in" in html
    if zh("Log in") != "Log in":
        assert zh("Log in") not in html
    log_in(client, "worker")
    home = client.get("/").content.decode()
    assert 'lang="en"' in home
    assert "Needs attention" in home
    # and back
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert 'lang="zh-hans"' in client.get("/").content.decode()


def test_a_language_we_do_not_offer_is_ignored(db, client):
    client.post(reverse("set_language"), {"language": "fr", "next": LOGIN})
    assert 'lang="zh-hans"' in client.get(LOGIN).content.decode()


# Role grants


def test_a_worker_grants_and_revokes_a_role(world, client_for):
    client = client_for(world.worker)
    page = client.get(reverse("accounts:org-access", kwargs={"pk": world.b1.pk}))
    assert page.status_code == 200
    assert {g.user.username for g in page.context["grants"]} == {"secretary", "committee"}

    response = client.post(reverse("accounts:org-access", kwargs={"pk": world.b1.pk}),
                           {"identifier": "stranger", "role": Role.VIEWER})
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=world.stranger, organization=world.b1, role=Role.VIEWER)
    assert grant.granted_by == world.worker
    assert AuditEntry.objects.filter(action=AuditEntry.Action.GRANT, actor=world.worker,
                                     organization_path=world.b1.path).count() == 1
    assert "stranger" in client.get(reverse("accounts:org-access", kwargs={"pk": world.b1.pk})).content.decode()

    stranger = Client()
    stranger.force_login(world.stranger)
    assert stranger.get(reverse("orgs:detail", kwargs={"pk": world.g1.pk})).status_code == 200

    response = client.post(reverse("accounts:grant-revoke", kwargs={"pk": grant.pk}))
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REVOKE, actor=world.worker).count() == 1
    assert stranger.get(reverse("orgs:detail", kwargs={"pk": world.g1.pk})).status_code == 404


def test_granting_a_role_twice_says_so(world, client_for):
    response = client_for(world.worker).post(reverse("accounts:org-access", kwargs={"pk": world.b1.pk}),
                                             {"identifier": "secretary", "role": Role.SECRETARY})
    assert response.status_code == 200
    assert zh("%(user)s already holds this role here.", user="secretary") in response.content.decode()
    assert RoleGrant.objects.filter(user=world.secretary, role=Role.SECRETARY).count() == 1


def test_granting_to_an_unknown_account_says_so(world, client_for):
    response = client_for(world.worker).post(reverse("accounts:org-access", kwargs={"pk": world.b1.pk}),
                                             {"identifier": "nobody", "role": Role.VIEWER})
    assert response.status_code == 200
    assert zh("No active account has this username or phone number.") in response.content.decode()


def test_a_worker_cannot_revoke_their_own_worker_role(world, client_for):
    grant = RoleGrant.objects.get(user=world.worker, role=Role.WORKER)
    response = client_for(world.worker).post(reverse("accounts:grant-revoke", kwargs={"pk": grant.pk}), follow=True)
    assert zh("You cannot revoke your own Party-affairs worker role.") in response.content.decode()
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVOKE).exists()


def test_a_secretary_cannot_grant_roles(world, client_for):
    response = client_for(world.secretary).post(reverse("accounts:org-access", kwargs={"pk": world.b1.pk}),
                                                {"identifier": "stranger", "role": Role.WORKER})
    assert response.status_code == 403
    assert not RoleGrant.objects.filter(user=world.stranger).exists()


@pytest.mark.django_db
def test_a_badge_loaded_by_htmx_before_the_password_is_changed_stays_empty(world, client):
    world.member_user.must_change_password = True
    world.member_user.save()
    client.force_login(world.member_user)
    response = client.get("/workbench/count/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response.content == b""


@pytest.mark.django_db
def test_an_htmx_request_after_the_session_ended_sends_the_whole_window_to_login(client):
    response = client.get("/workbench/count/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/")
