"""A worker lets a member back in: lifting the login delays on their account, or issuing a new one-time password.
Both from the member file, both audited against the member's organization, neither a way to take over an account
with rights beyond the worker's."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from chuxin.accounts.models import LoginThrottle, Role, RoleGrant
from chuxin.audit.models import AuditEntry
from chuxin.testing import PASSWORD, make_member, make_user

LOGIN = "/accounts/login/"


def zh(message: str, **params) -> str:
    with translation.override("zh-hans"):
        text = gettext(message)
        return escape(text % params if params else text)


def log_in(client: Client, identifier: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    return client.post(LOGIN, {"identifier": identifier, "password": password}, REMOTE_ADDR=address)


def test_the_member_file_offers_a_worker_both_actions_and_a_secretary_neither(world, client_for):
    url = reverse("members:detail", kwargs={"pk": world.member.pk})
    html = client_for(world.worker).get(url).content.decode()
    assert reverse("members:account-unlock", kwargs={"pk": world.member.pk}) in html
    assert reverse("members:account-reset", kwargs={"pk": world.member.pk}) in html
    html = client_for(world.secretary).get(url).content.decode()
    assert reverse("members:account-reset", kwargs={"pk": world.member.pk}) not in html


def test_a_worker_lifts_the_delay_someone_caused_from_the_members_own_address(world, client_for):
    for _ in range(settings.LOGIN_MAX_FAILURES):  # a family member mistyping on the member's phone
        log_in(Client(), "member", "wrong")
    assert log_in(Client(), "member").status_code == 200  # held off
    response = client_for(world.worker).post(reverse("members:account-unlock", kwargs={"pk": world.member.pk}),
                                             follow=True)
    assert zh("The login delay has been lifted; %(name)s can log in again.", name="李四") in response.content.decode()
    assert not LoginThrottle.objects.filter(user=world.member_user).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UNLOCK)
    assert (entry.actor, entry.organization, entry.target_id) == (world.worker, world.b1, str(world.member_user.pk))
    assert log_in(Client(), "member").status_code == 302


def test_a_worker_issues_a_one_time_password_that_forces_a_change(world, client_for):
    member_session = Client()
    member_session.force_login(world.member_user)
    response = client_for(world.worker).post(reverse("members:account-reset", kwargs={"pk": world.member.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    password = re.search(r'data-testid="one-time-password">([^<]+)<', html).group(1)
    assert zh("Password reset") in html
    # The old password and the open session no longer work.
    assert member_session.get(reverse("portal:me")).status_code == 302
    assert log_in(Client(), "member", PASSWORD).status_code == 200
    # The new one does, once: the member must choose their own before anything else.
    member = Client()
    response = log_in(member, "member", password)
    assert response.status_code == 302
    assert member.get("/members/")["Location"] == reverse("accounts:password_change")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PASSWORD_RESET)
    assert (entry.actor, entry.organization, entry.target_id) == (world.worker, world.b1, str(world.member_user.pk))
    assert password not in str(entry.changes) + entry.target_repr
    # The worker of the organization sees it in the audit log.
    log = client_for(world.worker).get(reverse("audit:list"), {"action": AuditEntry.Action.PASSWORD_RESET})
    assert [e.pk for e in log.context["page_obj"]] == [entry.pk]


def test_a_secretary_may_not_reset_a_password(world, client_for):
    response = client_for(world.secretary).post(reverse("members:account-reset", kwargs={"pk": world.member.pk}))
    assert response.status_code == 403
    assert log_in(Client(), "member").status_code == 302  # the password is unchanged


def test_a_worker_cannot_take_over_an_account_with_rights_beyond_their_own(world, client_for):
    # The superior viewer also has a member file in a branch the worker administers.
    filed = make_member(world.b1, "赵钱", user=world.viewer, phone="13700000099")
    response = client_for(world.worker).post(reverse("members:account-reset", kwargs={"pk": filed.pk}), follow=True)
    assert zh("This account has rights beyond your organizations; ask a system administrator.") in (
        response.content.decode()
    )
    assert log_in(Client(), "viewer").status_code == 302  # the password is unchanged
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PASSWORD_RESET).exists()


def test_a_worker_may_reset_a_secretary_inside_their_organization(world, client_for):
    filed = make_member(world.b1, "钱孙", user=world.secretary, phone="13700000098")
    assert RoleGrant.objects.filter(user=world.secretary, role=Role.SECRETARY, organization=world.b1).exists()
    response = client_for(world.worker).post(reverse("members:account-reset", kwargs={"pk": filed.pk}))
    assert response.status_code == 200
    assert log_in(Client(), "secretary").status_code == 200  # the old password is gone


def test_a_worker_cannot_reset_their_own_password_here(world, client_for):
    own = make_member(world.pc, "自己", user=world.worker, phone="13700000097")
    response = client_for(world.worker).post(reverse("members:account-reset", kwargs={"pk": own.pk}), follow=True)
    assert zh("Change your own password on the password page.") in response.content.decode()


def test_a_superuser_account_is_never_reset_by_a_worker(world, client_for):
    root = make_user("root", is_superuser=True)
    filed = make_member(world.b1, "根", user=root, phone="13700000096")
    client_for(world.worker).post(reverse("members:account-reset", kwargs={"pk": filed.pk}))
    assert log_in(Client(), "root").status_code == 302
