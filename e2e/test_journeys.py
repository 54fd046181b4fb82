"""The journeys of the foundation, walked in Chromium as people walk them: log in, click, fill, see the result.

Assertions lean on structure (names, test ids, data attributes, URLs) and on data the test created (names,
numbers); where a message itself matters, it is compared with its own translation. So they hold whether the
Chinese catalogue is complete or not. Pages are opened with a zh-CN browser, as a user in China does.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from playwright.sync_api import expect

from chuxin.accounts.models import LoginThrottle, Role, User
from chuxin.members import importing
from chuxin.members.models import Member
from chuxin.orgs import rules as org_rules
from chuxin.testing import PASSWORD, make_member, make_user, valid_citizen_id

pytestmark = pytest.mark.e2e

XLSX_MAGIC = b"PK\x03\x04"


def expect_count(page, n: int) -> None:
    """The list's count line holds exactly this number (共 n 名 / n members)."""
    expect(page.get_by_test_id("member-count")).to_have_text(re.compile(rf"^\D*{n}\D*$"))


def _assets_loaded(page) -> None:
    """The platform serves its own CSS and JS (intranets have no CDN): Bootstrap, htmx and our stylesheet are live."""
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("typeof window.bootstrap") == "object"
    topbar = page.evaluate("getComputedStyle(document.querySelector('.cx-topbar')).backgroundImage")
    assert "linear-gradient" in topbar


# a. A Party-affairs worker finds a branch below the threshold through the tree.
def test_worker_walks_the_tree_to_a_branch_below_the_threshold(page, login, world):
    make_member(world.b1, "陈静", category="probationary", male=False)  # B1: 1 full + 1 probationary
    for name in ("赵强", "钱明", "孙丽"):
        make_member(world.b2, name)  # B2: 王五 + 3 = 4 full members, no warning

    login(page, "worker")
    _assets_loaded(page)
    expect(page.get_by_test_id("stat-orgs")).to_have_text("4")  # PC, B1, G1, B2
    attention = page.locator(".cx-card", has=page.locator(f"a[href='/orgs/{world.b1.pk}/']")).first
    expect(attention).to_contain_text("第一支部")
    expect(attention).not_to_contain_text("第二支部")

    page.locator("#cx-nav a[href='/orgs/']").click()
    expect(page).to_have_url(re.compile(r"/orgs/$"))
    tree = page.locator("#org-tree")
    expect(tree.locator("li[data-org=PC]")).to_be_visible()
    expect(tree.locator("li[data-org=B1]")).to_have_count(0)  # lazy: nothing below the root yet

    tree.locator("li[data-org=PC] > button.cx-toggle").click()  # htmx fetches the children
    expect(tree.locator("li[data-org=PC] li[data-org=B1]")).to_be_visible()
    expect(tree.locator("li[data-org=PC] li[data-org=B2]")).to_be_visible()
    expect(tree.locator("li[data-org=PC] > button.cx-toggle")).to_have_attribute("aria-expanded", "true")

    tree.locator("li[data-org=B1] > button.cx-toggle").click()  # one level further down
    expect(tree.locator("li[data-org=B1] li[data-org=G1]")).to_be_visible()

    tree.locator("li[data-org=PC] > button.cx-toggle").click()  # fold the root away and open it again
    expect(tree.locator("li[data-org=B1]")).to_be_hidden()
    tree.locator("li[data-org=PC] > button.cx-toggle").click()
    expect(tree.locator("li[data-org=B1]")).to_have_count(1)  # shown again, not fetched twice
    expect(tree.locator("li[data-org=G1]")).to_be_visible()

    tree.locator("li[data-org=B1] > a.cx-node-name").click()
    expect(page).to_have_url(re.compile(rf"/orgs/{world.b1.pk}/$"))
    expect(page.locator("h1")).to_have_text("第一支部")
    warning = page.locator("[data-warning=branch_too_small]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("1")  # full members now
    expect(warning).to_contain_text("3")  # the minimum
    with translation.override("zh-hans"):  # the regulation, quoted word for word in the page's language
        expect(warning.locator(".cx-rule")).to_have_text(str(org_rules.RULE_BRANCH_MINIMUM))


# b. The worker fills in the downloaded template: a bad file is refused whole, a good one goes in.
def _fill(template: Path, rows: list[dict], target: Path) -> None:
    """What a person does in Excel: open the template, type one member per row below the titles, save."""
    wb = load_workbook(template)
    ws = wb.worksheets[0]
    position = {column.key: index for index, column in enumerate(importing.COLUMNS, start=1)}
    for offset, row in enumerate(rows):
        for key, value in row.items():
            ws.cell(row=2 + offset, column=position[key], value=value)
    wb.save(target)


def _person(name: str, born: datetime.date, *, male: bool = True, full: bool = True, org: str = "B1", **extra) -> dict:
    return {
        "name": name, "gender": "男" if male else "女", "birth_date": born,
        "citizen_id": valid_citizen_id(born, male=male), "joined_on": datetime.date(born.year + 25, 7, 1),
        "full_member_on": datetime.date(born.year + 26, 7, 1) if full else None,
        "category": "正式党员" if full else "预备党员", "organization_code": org, **extra,
    }


def test_worker_imports_members_from_the_template(page, login, world, tmp_path):
    login(page, "worker")
    page.locator("#cx-nav a[href='/members/']").click()
    expect_count(page, 2)  # 李四 in B1, 王五 in B2
    page.locator("main a[href='/members/import/']").click()
    expect(page).to_have_url(re.compile(r"/members/import/$"))

    with page.expect_download() as info:
        page.get_by_test_id("import-template").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    template = tmp_path / "template.xlsx"
    download.save_as(template)
    assert template.read_bytes()[:4] == XLSX_MAGIC
    titles = [c.value for c in load_workbook(template, read_only=True).worksheets[0][1]]
    assert len(titles) == len(importing.COLUMNS) and all(titles)
    title = dict(zip([c.key for c in importing.COLUMNS], titles, strict=True))

    # A file with two mistakes: a mistyped ID number (row 2) and an organization that does not exist (row 3).
    typo = _person("刘洋", datetime.date(1990, 3, 14))
    typo["citizen_id"] = typo["citizen_id"][:17] + ("0" if typo["citizen_id"][17] != "0" else "1")
    bad = tmp_path / "bad.xlsx"
    _fill(template, [typo, _person("何静", datetime.date(1992, 8, 9), male=False, org="NOPE")], bad)
    page.locator("input[name=file]").set_input_files(bad)
    page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()

    expect(page.get_by_test_id("import-failed")).to_be_visible()
    errors = page.get_by_test_id("import-errors").locator("tbody tr")
    expect(errors).to_have_count(2)
    # Each problem with its row, the member's name, the column and what is wrong.
    expect(errors.nth(0).locator("td").nth(0)).to_have_text("2")
    expect(errors.nth(0).locator("td").nth(1)).to_have_text("刘洋")
    expect(errors.nth(0).locator("td").nth(2)).to_have_text(title["citizen_id"])
    expect(errors.nth(1).locator("td").nth(0)).to_have_text("3")
    expect(errors.nth(1).locator("td").nth(1)).to_have_text("何静")
    expect(errors.nth(1).locator("td").nth(2)).to_have_text(title["organization_code"])
    expect(errors.nth(1).locator("td").nth(3)).to_contain_text("NOPE")
    assert Member.objects.count() == 2  # nothing went in

    good = tmp_path / "good.xlsx"
    _fill(template, [
        _person("周洁", datetime.date(1988, 1, 23), male=False, phone="13900000011"),
        _person("吴刚", datetime.date(1979, 11, 2), org="第一党小组"),  # by its name, as people know it
        _person("郑红", datetime.date(1996, 6, 30), male=False, full=False),
    ], good)
    page.locator("input[name=file]").set_input_files(good)
    page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()

    # Checked, not yet written: what it would do, and one more click to import it.
    preview = page.get_by_test_id("import-preview")
    expect(preview.get_by_test_id("preview-created")).to_have_text("3")
    expect(preview.get_by_test_id("preview-updated")).to_have_text("0")
    assert Member.objects.count() == 2
    preview.get_by_test_id("import-confirm").click()

    expect(page.locator("main .alert-success")).to_contain_text("3")
    summary = page.get_by_test_id("import-summary")
    expect(summary.get_by_test_id("import-created")).to_have_text("3")
    expect(summary.get_by_test_id("import-updated")).to_have_text("0")
    expect(summary.get_by_test_id("import-total")).to_have_text("3")
    expect(page.get_by_test_id("import-errors")).to_have_count(0)

    summary.locator("a[href='/members/']").click()
    expect_count(page, 5)
    results = page.locator("#member-results tbody")
    for name in ("周洁", "吴刚", "郑红"):
        expect(results).to_contain_text(name)
    expect(results.locator("tr", has_text="吴刚")).to_contain_text("第一党小组")


# c. A secretary narrows the list by pinyin initials and category, and exports what they see.
def test_secretary_filters_by_pinyin_and_category_then_exports_masked_ids(page, login, world, tmp_path):
    make_member(world.b1, "张伟")
    make_member(world.b1, "张敏", category="probationary", male=False)
    make_member(world.g1, "赵磊", category="probationary")
    make_member(world.b1, "王芳", male=False)

    login(page, "secretary")
    page.locator("#cx-nav a[href='/members/']").click()
    expect_count(page, 5)  # B1 and its group; B2's 王五 is not theirs
    page.evaluate("window.__cxSamePage = true")  # gone if the browser loads a new page

    page.locator("input[name=q]").press_sequentially("zh", delay=30)
    expect_count(page, 3)
    results = page.locator("#member-results tbody")
    expect(results).to_contain_text("张伟")
    expect(results).to_contain_text("张敏")
    expect(results).to_contain_text("赵磊")
    expect(results).not_to_contain_text("王芳")
    expect(page).to_have_url(re.compile(r"[?&]q=zh"))  # htmx pushed the filter into the address

    page.locator("select[name=category]").select_option("probationary")
    expect_count(page, 2)
    expect(results).not_to_contain_text("张伟")
    assert page.evaluate("window.__cxSamePage") is True  # updated in place, no full reload

    with page.expect_download() as info:
        page.get_by_test_id("export").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes()[:4] == XLSX_MAGIC
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert sorted(r[0] for r in body) == ["张敏", "赵磊"]
    id_col = 4  # name, gender, ethnicity, birth date, citizen ID number, ...
    assert len(header) > id_col
    for row in body:
        assert "*" in row[id_col], f"a secretary's export shows a full ID number: {row[id_col]}"
        assert len(row[id_col]) == 18


# d. A plain member on a phone: the menu hides behind the toggler; they see their own file and only theirs.
def test_member_on_a_phone_sees_own_file_and_not_another(phone_page, login, world):
    page = phone_page
    login(page, "member")
    _assets_loaded(page)
    nav_me = page.locator("#cx-nav a[href='/me/']")
    expect(nav_me).to_be_hidden()  # offcanvas closed
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing spills sideways

    page.locator("button.navbar-toggler").click()
    expect(page.locator("#cx-nav")).to_have_class(re.compile(r"\bshow\b"))
    expect(nav_me).to_be_visible()
    expect(page.locator("#cx-nav a[href='/members/']")).to_have_count(0)  # no list for a plain member
    nav_me.click()

    expect(page).to_have_url(re.compile(r"/me/$"))
    main = page.locator("main")
    expect(main).to_contain_text("李四")
    expect(main).to_contain_text("第一支部")
    expect(main).to_contain_text("13900000001")
    main.locator(f"a[href='/members/{world.member.pk}/']").click()
    expect(page.locator("h1")).to_have_text("李四")
    expect(page.locator("#citizen-id code")).to_contain_text("*")

    response = page.goto(f"/members/{world.b2_member.pk}/")
    assert response.status == 404
    expect(page.locator(".cx-stat")).to_have_text("404")
    expect(page.locator("main")).not_to_contain_text("王五")


# e. A one-time password must be replaced before anything else.
def test_one_time_password_leads_to_the_password_page_first(page, login, world):
    user = make_user("newcomer", role=Role.WORKER, org=world.pc)
    User.objects.filter(pk=user.pk).update(must_change_password=True)

    login(page, "newcomer")
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    expect(page.locator("main .alert-warning")).to_be_visible()
    page.goto("/members/")
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))  # no way around it

    page.locator("input[name=old_password]").fill(PASSWORD)
    page.locator("input[name=new_password1]").fill("Hongqi-2026-xin")
    page.locator("input[name=new_password2]").fill("Hongqi-2026-xin")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.get_by_test_id("stat-orgs")).to_have_text("4")
    page.locator("#cx-nav a[href='/members/']").click()
    expect(page).to_have_url(re.compile(r"/members/$"))  # free to go on now

    user.refresh_from_db()
    assert user.must_change_password is False
    assert user.check_password("Hongqi-2026-xin")


def test_five_wrong_passwords_delay_further_attempts_from_there(page, login, world):
    page.goto("/accounts/login/")
    alert = page.locator("form .alert-danger")
    for attempt in range(1, 5):
        login(page, "secretary", f"wrong-{attempt}", expect_ok=False)
        expect(alert).to_be_visible()
    mismatch = alert.inner_text()

    with translation.override("zh-hans"):
        delayed = _("Too many failed attempts. Try again in %(minutes)s minutes.") % {
            "minutes": settings.LOGIN_LOCKOUT_MINUTES
        }
    assert mismatch != delayed

    login(page, "secretary", "wrong-5", expect_ok=False)
    expect(alert).to_have_text(delayed)

    login(page, "secretary", PASSWORD, expect_ok=False)  # even the right password, from here, during the delay
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(alert).to_have_text(delayed)
    assert LoginThrottle.objects.get(user__username="secretary").blocked_until > datetime.datetime.now(datetime.UTC)


# f. The top bar switches the language.
def test_language_switch_to_english_and_back(page, login, world):
    login(page, "worker")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.locator(".cx-topbar").get_by_role("button", name="EN").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Welcome")
    nav = page.locator("#cx-nav")
    expect(nav).to_contain_text("Organizations")
    expect(nav).to_contain_text("Members")
    expect(page.get_by_test_id("stat-orgs")).to_have_text("4")  # still the home page

    page.locator(".cx-topbar").get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
