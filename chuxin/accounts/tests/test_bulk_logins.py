"""Logins for a branch's members in one go, and the account slips: the login (the phone number, else the name's
pinyin), a one-time password from an alphabet without look-alikes, shown once and stored nowhere in clear;
members who already have an account are skipped and named; a form sent twice makes the accounts once."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from chuxin.accounts.models import User
from chuxin.accounts.services import (
    PASSWORD_ALPHABET,
    account_link_member,
    accounts_create_bulk,
    one_time_password,
)
from chuxin.audit.models import AuditEntry
from chuxin.members.models import Member
from chuxin.testing import make_member, make_user

LOOK_ALIKES = "0Oo1lIi2Zz5Ss8B"


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings."""


@pytest.fixture
def branch_people(world):
    """Three members of B1 without a login (one in its Party group, one without a phone) besides the world's 李四,
    who has one."""
    return [
        make_member(world.b1, "张伟", phone="13500000001"),
        make_member(world.g1, "刘芳", male=False, phone="13500000002"),
        make_member(world.b1, "陈静", male=False),
    ]


def test_the_alphabet_has_no_look_alikes_and_the_password_ten_characters():
    assert not set(PASSWORD_ALPHABET) & set(LOOK_ALIKES)
    assert set("34679ACDEFGHJKLMNPQRTUVWXYabcdefghjkmnpqrtuvwxy") == set(PASSWORD_ALPHABET)
    passwords = {one_time_password() for _i in range(200)}
    assert len(passwords) == 200
    assert all(len(p) == 10 and set(p) <= set(PASSWORD_ALPHABET) for p in passwords)


def test_bulk_creation_makes_a_login_each_and_skips_who_has_one(world, branch_people):
    everyone = [*branch_people, world.member]
    result = accounts_create_bulk(actor=world.worker, organization=world.b1, members=everyone, token="t1")
    assert [m.name for m in result.skipped] == ["李四"]
    made = {slip.member.name: slip for slip in result.slips}
    assert set(made) == {"张伟", "刘芳", "陈静"}
    assert made["张伟"].account.username == "13500000001" and made["张伟"].account.phone == "13500000001"
    assert made["陈静"].account.username == "chenjing" and made["陈静"].account.phone is None
    for slip in result.slips:
        account = User.objects.get(pk=slip.account.pk)
        assert account.must_change_password and account.check_password(slip.password)
        assert str(account) == slip.member.name  # the account shows its person's name
        assert Member.objects.get(pk=slip.member.pk).user == account
        assert slip.password not in account.password  # stored hashed


def test_the_audit_log_records_each_login_and_never_a_password(world, branch_people):
    result = accounts_create_bulk(actor=world.worker, organization=world.b1, members=branch_people)
    entries = AuditEntry.objects.filter(actor=world.worker, action=AuditEntry.Action.CREATE)
    assert entries.filter(target_type="accounts.user").count() == 3
    assert entries.filter(target_repr="Logins for members of 第一支部: 3").count() == 1
    logged = " ".join(f"{e.target_repr} {e.changes}" for e in AuditEntry.objects.all())
    assert not any(slip.password in logged for slip in result.slips)


def test_the_same_form_sent_twice_makes_the_logins_once(world, branch_people):
    first = accounts_create_bulk(actor=world.worker, organization=world.b1, members=branch_people, token="same")
    again = accounts_create_bulk(actor=world.worker, organization=world.b1, members=branch_people, token="same")
    assert len(first.slips) == 3 and not first.repeated
    assert again.repeated and again.slips == [] and again.skipped == []
    assert User.objects.filter(member__in=branch_people).count() == 3
    # Another form (a new token) finds them all with a login already.
    later = accounts_create_bulk(actor=world.worker, organization=world.b1, members=branch_people, token="other")
    assert later.slips == [] and len(later.skipped) == 3


def test_a_login_from_the_pinyin_is_unique(world):
    make_user("zhangwei")
    make_user("zhangwei2")
    member = make_member(world.b1, "张伟")
    [slip] = accounts_create_bulk(actor=world.worker, organization=world.b1, members=[member]).slips
    assert slip.account.username == "zhangwei3"


def test_a_phone_another_account_uses_is_not_taken_again(world):
    make_user("someone", phone="13500000001")
    member = make_member(world.b1, "张伟", phone="13500000001")
    [slip] = accounts_create_bulk(actor=world.worker, organization=world.b1, members=[member]).slips
    assert slip.account.username == "zhangwei" and slip.account.phone is None


def test_only_a_worker_of_the_organization_and_only_its_members(world, branch_people):
    with pytest.raises(PermissionDenied):
        accounts_create_bulk(actor=world.secretary, organization=world.b1, members=branch_people)  # MANAGE only
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        accounts_create_bulk(actor=world.worker, organization=world.b1, members=[world.b2_member])
    assert not User.objects.filter(member__isnull=False).exclude(pk=world.member_user.pk).exists()


def test_linking_an_account_shows_the_member_files_name(world):
    account = make_user("old-title", display_name="机关第一党支部书记")
    member = make_member(world.b1, "叶宇德")
    account_link_member(actor=world.worker, account=account, member=member)
    account.refresh_from_db()
    assert str(account) == "叶宇德"


# The pages


def test_the_worker_ticks_the_members_and_prints_their_slips(world, branch_people, client):
    client.force_login(world.worker)
    url = reverse("members:logins", args=[world.b1.pk])
    page = client.get(url).content.decode()
    assert page.count('type="checkbox"') == 3 and page.count("checked") == 3  # all ticked by default
    assert "李四" not in page  # has a login already
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    data = {"members": [m.pk for m in branch_people], "token": token}
    response = client.post(url, data)
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    passwords = re.findall(r'data-testid="one-time-password">([^<]+)<', html)
    assert len(passwords) == 3 and html.count('data-testid="slip"') == 3
    assert "http://testserver/" in html and "chenjing" in html
    # Sent again (a double click): nothing more is made, and no password is shown.
    again = client.post(url, data, follow=True)
    assert "were made when the form was first sent" in again.content.decode()
    assert not any(p in again.content.decode() for p in passwords)
    assert User.objects.filter(member__in=branch_people).count() == 3


def test_a_member_who_got_a_login_meanwhile_is_skipped_and_named(world, branch_people, client):
    client.force_login(world.worker)
    url = reverse("members:logins", args=[world.b1.pk])
    response = client.post(url, {"members": [branch_people[0].pk, world.member.pk], "token": "x"})
    html = response.content.decode()
    assert "Skipped, they already have a login:" in html and "李四" in html
    assert html.count('data-testid="slip"') == 1


def test_out_of_scope_is_404_and_a_secretary_403(world, client):
    client.force_login(world.outsider)
    assert client.get(reverse("members:logins", args=[world.b1.pk])).status_code == 404
    client.force_login(world.secretary)
    assert client.get(reverse("members:logins", args=[world.b1.pk])).status_code == 403


def test_nothing_ticked_is_a_clear_error_and_makes_nothing(world, branch_people, client):
    client.force_login(world.worker)
    response = client.post(reverse("members:logins", args=[world.b1.pk]), {"token": "y"})
    assert "Tick at least one member." in response.content.decode()
    assert not User.objects.filter(member__in=branch_people).exists()


def test_a_reset_gives_a_new_password_on_the_same_slip(world, client):
    client.force_login(world.worker)
    response = client.post(reverse("members:account-reset", kwargs={"pk": world.member.pk}))
    html = response.content.decode()
    [password] = re.findall(r'data-testid="one-time-password">([^<]+)<', html)
    assert 'data-testid="slip"' in html and len(password) == 10 and set(password) <= set(PASSWORD_ALPHABET)
    world.member_user.refresh_from_db()
    assert world.member_user.check_password(password)


def test_the_organization_page_offers_create_logins_to_a_worker_only(world, client):
    client.force_login(world.worker)
    link = reverse("members:logins", args=[world.b1.pk])
    assert link in client.get(reverse("orgs:detail", args=[world.b1.pk])).content.decode()
    client.force_login(world.secretary)
    assert link not in client.get(reverse("orgs:detail", args=[world.b1.pk])).content.decode()


def test_the_logins_page_query_count_does_not_grow(world, client, django_assert_num_queries):
    client.force_login(world.worker)
    url = reverse("members:logins", args=[world.b1.pk])
    for i in range(3):
        make_member(world.b1, f"党员{i}")
    # 1-2 the session and its user, 3 the organization, 4-5 the standings (grants, member file), 6 the members
    # without a login, with their organizations
    with django_assert_num_queries(6):
        assert client.get(url).content.decode().count('type="checkbox"') == 3
    for i in range(3, 30):
        make_member(world.g1, f"党员{i}")
    with django_assert_num_queries(6):
        assert client.get(url).content.decode().count('type="checkbox"') == 30
