"""The national member information system's items on the member file: entered on the form with their rules,
shown on the page (the home address only to those who may reveal personal data), exported in the national
template's order, and imported from the same titles the export writes."""

from __future__ import annotations

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chuxin.members.exporting import national_columns
from chuxin.members.importing import import_members
from chuxin.members.models import Member
from chuxin.members.tests.test_views import form_data

XSS = "<script>alert(1)</script>"


def test_lost_contact_needs_its_date_and_reason(world, client_for, english):
    client = client_for(world.secretary)
    r = client.post(reverse("members:create"), form_data(world, lost_contact="on"))
    assert r.status_code == 200
    page = r.content.decode()
    assert "Give the date contact was lost." in page and "Choose why contact was lost." in page
    assert not Member.objects.filter(name="韩梅梅").exists()


def test_the_national_items_are_saved_and_shown(world, client_for, english):
    client = client_for(world.worker)
    r = client.post(reverse("members:create"), form_data(
        world, landline="010-12345678", home_address=XSS, party_standing="retained", party_standing_on="2024-03-01",
        lost_contact="on", lost_contact_on="2025-01-10", lost_contact_reason="migrant_work", away="on",
        away_destination="广东深圳", away_organization="深圳某街道流动党员党支部"))
    assert r.status_code == 302
    member = Member.objects.get(name="韩梅梅")
    assert (member.party_standing, member.lost_contact_reason, member.away) == ("retained", "migrant_work", True)
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "010-12345678" in page and "广东深圳" in page and "&lt;script&gt;" in page and XSS not in page
    # A secretary reads the file but may not reveal personal data: no home address.
    page = client_for(world.secretary).get(reverse("members:detail", args=[member.pk])).content.decode()
    assert 'data-testid="home-address"' not in page and "010-12345678" in page


def test_the_national_export_follows_the_templates_order(world, client_for, english):
    world.member.landline, world.member.away, world.member.away_destination = "0871-1234567", True, "昆明"
    world.member.save()
    r = client_for(world.worker).get(reverse("members:export") + "?layout=national")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0].values)
    assert list(rows[0]) == national_columns()
    assert rows[0][:4] == ("Name", "Gender", "Ethnicity", "Citizen ID number")
    row = dict(zip(rows[0], next(r for r in rows[1:] if r[0] == "李四"), strict=False))
    assert (row["Landline"], row["Away from home"], row["Gone to"]) == ("0871-1234567", "yes", "昆明")


def test_an_export_imports_again_with_the_national_items(world, client_for, english):
    world.member.landline, world.member.party_standing = "010-7654321", "normal"
    world.member.save()
    content = client_for(world.worker).get(reverse("members:export") + "?full_id=1").content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "李四":
            row[header.index("Landline")].value = "010-1111111"
            row[header.index("Away from home")].value = "是"
            row[header.index("Gone to")].value = "上海"
            row[header.index("Membership status")].value = "停止党籍"
            row[header.index("Membership status since")].value = datetime.date(2025, 5, 1)
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("m.xlsx", buffer.getvalue())
    result = import_members(actor=world.worker, upload=upload)
    assert not result.errors, result.errors
    world.member.refresh_from_db()
    assert (world.member.landline, world.member.away, world.member.away_destination) == ("010-1111111", True, "上海")
    assert world.member.party_standing == "suspended"
