"""Every write service of the members app checks its actor itself, whoever calls it (a page, an API, a job): an
actor without standing on the file's organization (a stranger; the sibling branch's secretary) is refused, and
nothing is written. An import needs MANAGE
somewhere (its rows are then checked one by one) and an export sends only the files the actor may read."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from chuxin.members import exporting, importing, services
from chuxin.members.models import Member
from chuxin.testing import not_refused, service_functions, valid_citizen_id

NO_WRITE = {
    "apply_citizen_id": "sets the encrypted number on an unsaved file (member_create and member_update save it)",
    "check_member": "checks a file's fields across each other",
    "citizen_id_unusable_message": "a message",
    "previews_expire": "the daily housekeeping (no actor): drops the files of imports nobody confirmed",
    "may_see": "a question about the actor",
    "citizen_id_refusal_record": "audits a refused attempt of the actor's own",
    "background_rows": "reads an upload",
    "build_template": "the empty template",
    "limits": "the import's limits",
    "export_columns": "column titles",
    "national_columns": "column titles",
    "clean_landline": "cleans a typed number",
}


def test_every_write_service_refuses_an_actor_without_standing(world):
    born = datetime.date(1990, 1, 2)
    file = {"organization": world.b1, "name": "新党员", "gender": "male", "birth_date": born,
            "joined_on": datetime.date(2015, 7, 1), "full_member_on": datetime.date(2016, 7, 1), "category": "full"}
    tried = {
        "member_create": lambda a: services.member_create(actor=a, citizen_id_number=valid_citizen_id(born), **file),
        "member_update": lambda a: services.member_update(actor=a, member=world.member, phone="13900000009"),
        "member_reveal_citizen_id": lambda a: services.member_reveal_citizen_id(actor=a, member=world.member),
        # the sibling branch's secretary may receive a member only when the sending side (B1) approved
        "member_move": lambda a: services.member_move(actor=a, member=world.member, organization=world.b2,
                                                      approved_by=a),
        "import_members": lambda a: importing.import_members(actor=a, upload=SimpleUploadedFile("m.xlsx", b"x")),
        "export_members": lambda a: exporting.export_members(actor=a, queryset=Member.objects.all(), reveal=True),
    }
    assert set(tried) | set(NO_WRITE) == service_functions(services, importing, exporting)
    # The import and the export: the stranger, and a committee member who reads but manages nothing.
    assert not_refused({k: tried.pop(k) for k in ("import_members", "export_members")}, world.stranger) == []
    assert not_refused({"import_members": lambda a: importing.import_members(
        actor=a, upload=SimpleUploadedFile("m.xlsx", b"x"))}, world.committee) == []
    assert not_refused(tried, world.stranger, world.outsider, world.committee) == []


def test_a_transfer_needs_manage_where_the_file_goes(world):
    moving = {"member_update": lambda a: services.member_update(actor=a, member=Member.objects.get(pk=world.member.pk),
                                                                organization=world.b2)}
    assert not_refused(moving, world.secretary) == []
    assert Member.objects.get(pk=world.member.pk).organization == world.b1


def test_an_export_sends_only_the_files_the_actor_may_read(world):
    content = exporting.export_members(actor=world.outsider, queryset=Member.objects.all(), reveal=False)
    names = {row[0] for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True)}
    assert names == {world.b2_member.name}
