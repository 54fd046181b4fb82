"""What a member file gives away, tried as each role would: the mask and the birth date beside it, exports seen by
the workers of the organization exported, and whether an ID number is registered somewhere the user cannot see."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from chuxin.audit.models import AuditEntry
from chuxin.members import citizen_id
from chuxin.members.models import Member
from chuxin.testing import make_member

from .test_import import person, post, shown_errors
from .test_views import form_data

EXPORT = reverse("members:export")


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return escape(gettext(message))


def age_of(born: datetime.date) -> int:
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# 5. The mask and the birth date


def test_the_mask_shows_the_last_four_characters_only(world, client_for):
    number = citizen_id.decrypt(world.member.citizen_id_encrypted)
    html = client_for(world.committee).get(reverse("members:detail", kwargs={"pk": world.member.pk})).content.decode()
    assert f"<code>{'*' * 14}{number[-4:]}</code>" in html
    assert number[:3] + "*" not in html  # the place of registration is not shown


@pytest.mark.parametrize("who", ["committee", "secretary", "viewer"])
def test_without_the_reveal_right_the_file_shows_an_age_not_the_birth_date(world, client_for, who):
    html = client_for(getattr(world, who)).get(
        reverse("members:detail", kwargs={"pk": world.member.pk})).content.decode()
    born = world.member.birth_date
    assert born.isoformat() not in html
    assert f'data-testid="age">{age_of(born)}<' in html


@pytest.mark.parametrize("who", ["worker", "member_user"])
def test_the_worker_and_the_member_themself_see_the_birth_date(world, client_for, who):
    html = client_for(getattr(world, who)).get(
        reverse("members:detail", kwargs={"pk": world.member.pk})).content.decode()
    assert world.member.birth_date.isoformat() in html


def exported(client, query: str = "") -> list[dict]:
    client.cookies["django_language"] = "en"
    rows = list(openpyxl.load_workbook(io.BytesIO(client.get(EXPORT + query).content)).worksheets[0].values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_an_export_gives_birth_dates_only_where_the_number_may_be_revealed(world, client_for):
    [row] = exported(client_for(world.secretary))
    assert row["Birth date"] is None
    assert row["Age"] == age_of(world.member.birth_date)
    rows = exported(client_for(world.worker))
    assert {r["Name"]: r["Birth date"].date() for r in rows} == {
        "李四": world.member.birth_date, "王五": world.b2_member.birth_date}


# 6. Exports in the audit log


def export_entries() -> list[tuple]:
    return [(e.actor, e.organization, e.changes) for e in AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT)]


def test_a_branch_export_is_recorded_against_the_branch_and_its_worker_sees_it(world, client_for):
    exported(client_for(world.secretary))
    assert export_entries() == [(world.secretary, world.b1, {"rows": 1, "full_citizen_ids": 0})]
    log = client_for(world.worker).get(reverse("audit:list"), {"action": AuditEntry.Action.EXPORT})
    assert [e.actor for e in log.context["page_obj"]] == [world.secretary]
    # the secretary of the sibling branch does not administer B1 and has no audit log
    assert client_for(world.outsider).get(reverse("audit:list")).status_code == 403


def test_a_full_id_export_is_recorded_against_the_organization_above_every_row(world, client_for):
    exported(client_for(world.worker), "?full_id=1")
    assert export_entries() == [(world.worker, world.pc, {"rows": 2, "full_citizen_ids": 2})]


def test_a_filtered_export_is_recorded_against_the_filters_organization(world, client_for):
    make_member(world.g1, "孙七")  # in the Party group under B1
    exported(client_for(world.worker), f"?organization={world.b1.pk}&full_id=1")
    assert export_entries() == [(world.worker, world.b1, {"rows": 2, "full_citizen_ids": 2})]
    AuditEntry.objects.all().delete()
    exported(client_for(world.worker), f"?organization={world.b1.pk}&q=nobody")  # nothing matched
    assert export_entries() == [(world.worker, world.b1, {"rows": 0, "full_citizen_ids": 0})]


def test_an_empty_unfiltered_export_is_recorded_against_the_top_of_the_scope(world, client_for):
    exported(client_for(world.secretary), "?q=nobody")
    assert export_entries() == [(world.secretary, world.b1, {"rows": 0, "full_citizen_ids": 0})]


# 7. No confirmation that a number is registered somewhere the user cannot see


def refusals() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditEntry.Action.REFUSED))


def test_the_create_form_does_not_confirm_a_registration_elsewhere_and_audits_the_attempt(world, client_for):
    number = citizen_id.decrypt(world.b2_member.citizen_id_encrypted)
    born = world.b2_member.birth_date
    response = client_for(world.secretary).post(reverse("members:create"), form_data(
        world, gender="female", birth_date=born.isoformat(), citizen_id=number))
    assert response.status_code == 200
    html = response.content.decode()
    assert zh("This ID number cannot be used here; ask the Party-affairs worker of your unit.") in html
    assert zh("A member with this citizen ID number is already registered.") not in html
    assert Member.objects.filter(citizen_id_digest=citizen_id.digest(number)).count() == 1
    [entry] = refusals()
    assert (entry.actor, entry.organization) == (world.secretary, world.b1)
    assert number not in entry.target_repr + str(entry.changes)
    # the worker of the organization the file was meant for sees the attempt
    log = client_for(world.worker).get(reverse("audit:list"), {"action": AuditEntry.Action.REFUSED})
    assert [e.pk for e in log.context["page_obj"]] == [entry.pk]


def test_the_edit_form_does_not_confirm_it_either(world, client_for):
    number = citizen_id.decrypt(world.b2_member.citizen_id_encrypted)
    member = make_member(world.b1, "周八", male=False, born=world.b2_member.birth_date)
    data = form_data(world, name="周八", gender="female", birth_date=member.birth_date.isoformat(),
                     citizen_id=number)
    response = client_for(world.secretary).post(reverse("members:edit", kwargs={"pk": member.pk}), data)
    assert zh("This ID number cannot be used here; ask the Party-affairs worker of your unit.") in (
        response.content.decode())
    assert [(e.actor, e.organization) for e in refusals()] == [(world.secretary, world.b1)]


def test_a_duplicate_the_user_can_see_is_still_named_as_one(world, client_for):
    number = citizen_id.decrypt(world.b2_member.citizen_id_encrypted)
    response = client_for(world.worker).post(reverse("members:create"), form_data(
        world, gender="female", birth_date=world.b2_member.birth_date.isoformat(), citizen_id=number))
    assert zh("A member with this citizen ID number is already registered.") in response.content.decode()
    assert refusals() == []  # no probing: the worker can read that file anyway


def test_the_import_does_not_confirm_a_registration_elsewhere_and_audits_the_attempt(world, client_for):
    other = world.b2_member
    number = citizen_id.decrypt(other.citizen_id_encrypted)
    rows = [person("王五", male=False, born=other.birth_date, cid=number), person("赵六")]
    client = client_for(world.secretary)
    client.cookies["django_language"] = "en"
    shown = shown_errors(post(client, rows))
    assert shown == [("2", "公民身份号码", "This ID number cannot be used here; ask the Party-affairs worker of your unit.")]
    [entry] = refusals()
    assert (entry.actor, entry.organization) == (world.secretary, world.b1)
    assert entry.target_repr == "Member import refused: 1 ID numbers cannot be used here"
    assert number not in entry.target_repr + str(entry.changes)


def test_an_import_row_for_a_visible_but_unmanaged_file_names_it(world, client_for):
    # The viewer's scope covers B2 for reading; a secretary role lets them import into B1.
    from chuxin.accounts.models import Role, RoleGrant

    RoleGrant.objects.create(user=world.viewer, organization=world.b1, role=Role.SECRETARY)
    other = world.b2_member
    number = citizen_id.decrypt(other.citizen_id_encrypted)
    client = client_for(world.viewer)
    client.cookies["django_language"] = "en"
    shown = shown_errors(post(client, [person("王五", male=False, born=other.birth_date, cid=number)]))
    assert shown == [("2", "公民身份号码",
                      "A member with this citizen ID number is already registered in another organization.")]
    assert refusals() == []



# 11. The ID number stays out of error reports


@pytest.mark.parametrize("view", ["create", "edit"])
def test_the_member_forms_keep_the_id_number_out_of_error_reports(world, client_for, view):
    from django.views.debug import SafeExceptionReporterFilter

    data = form_data(world)
    url = reverse("members:create") if view == "create" else reverse("members:edit", kwargs={"pk": world.member.pk})
    response = client_for(world.worker).post(url, data)
    # What Django's error e-mails and debug pages show of this request's form.
    shown = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert data["citizen_id"] not in str(shown)
    assert shown["citizen_id"] == SafeExceptionReporterFilter.cleansed_substitute
    assert shown["name"] == data["name"]
