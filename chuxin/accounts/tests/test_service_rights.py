"""Every write service of the accounts app checks its actor itself, whoever calls it (a page, an API, a job):
accounts for members and role grants are an administrator's (ADMIN on the organization); a stranger, the sibling
branch's secretary and even the branch's own secretary are refused, and nothing is written."""

from __future__ import annotations

from chuxin.accounts import services as accounts
from chuxin.testing import not_refused, service_functions

NO_WRITE = {
    "login_attempt": "logging in: there is no actor yet",
    "password_change": "a person changing their own password",
    "user_display_set": "a person's own display setting (large text): nobody else's is ever touched",
    "one_time_password": "draws a password: writes nothing",
    "account_name_sync": "a step of the renaming or linking service that calls it, inside its transaction",
}


def test_the_account_services_for_members_refuse_an_actor_without_standing(world):
    tried = {
        "account_create_for_member": lambda a: accounts.account_create_for_member(actor=a, member=world.member),
        "account_unlock": lambda a: accounts.account_unlock(actor=a, member=world.member),
        "account_password_reset": lambda a: accounts.account_password_reset(actor=a, member=world.member),
        "role_grant": lambda a: accounts.role_grant(actor=a, user=world.stranger, organization=world.b1, role="viewer"),
        "role_revoke": lambda a: accounts.role_revoke(actor=a, grant=world.secretary.role_grants.get()),
        "accounts_create_bulk": lambda a: accounts.accounts_create_bulk(actor=a, organization=world.b1,
                                                                        members=[world.member]),
        "account_link_member": lambda a: accounts.account_link_member(actor=a, account=world.stranger,
                                                                      member=world.b2_member),
    }
    assert set(tried) | set(NO_WRITE) == service_functions(accounts)
    # A secretary manages B1's files but is no administrator: accounts and roles are the worker's.
    assert not_refused(tried, world.stranger, world.outsider, world.secretary) == []
