"""Writes to the organization tree and committees: the services, and the forms that call them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from chuxin.audit.models import AuditEntry
from chuxin.core.paths import STEP_LEN
from chuxin.members.models import Member
from chuxin.orgs import services
from chuxin.orgs.models import Department, Organization, PartnerUnit, Position, WorkUnit
from chuxin.testing import make_member, make_user

K = Organization.Kind


def create(parent, code, kind, *, actor=None, **fields) -> Organization:
    return services.organization_create(actor=actor, parent=parent, name=fields.pop("name", code), code=code,
                                        kind=kind, **fields)


def superuser():
    return make_user("root", is_superuser=True)


def zh(message: str, **params) -> str:
    """A message as the page shows it: in the default language, HTML-escaped."""
    with translation.override("zh-hans"):
        text = gettext(message)
        return escape(text % params if params else text)


def entries(action: str, target) -> int:
    return AuditEntry.objects.filter(action=action, target_type=target._meta.label_lower,
                                     target_id=str(target.pk)).count()


# Paths


def test_create_under_a_parent_extends_its_path(world):
    first = create(world.b2, "N1", K.PARTY_GROUP)
    second = create(world.b2, "N2", K.PARTY_GROUP)
    assert first.path == world.b2.path + "0001"
    assert second.path == world.b2.path + "0002"
    assert (first.depth, second.depth) == (world.b2.depth + 1,) * 2
    assert first.parent == world.b2


def test_a_new_tree_gets_the_next_root_path(world):
    root = create(None, "ROOT2", K.SUPERIOR_COMMITTEE)
    assert root.depth == 1
    assert len(root.path) == STEP_LEN
    assert root.path > world.sup.path


def test_paths_continue_after_the_last_child_not_the_count(world):
    # B1 holds 0001 and B2 0002 under PC; after moving B1 away a new child must not reuse 0002. (Moving it
    # under SUP takes ADMIN there too: the superuser's.)
    services.organization_move(actor=superuser(), organization=world.b1, new_parent=world.sup)
    third = create(world.pc, "B3", K.BRANCH)
    assert third.path == world.pc.path + "0003"


# Kinds


@pytest.mark.parametrize(
    ("parent_code", "kind"),
    [("B1", K.GENERAL_BRANCH), ("B1", K.BRANCH), ("G1", K.PARTY_GROUP), ("PC", K.GRASSROOTS_COMMITTEE),
     ("PC", K.PARTY_GROUP)],
)
def test_kinds_that_cannot_sit_under_a_parent_are_refused(world, parent_code, kind):
    parent = Organization.objects.get(code=parent_code)
    with pytest.raises(ValidationError) as error:
        create(parent, "BAD", kind)
    assert "kind" in error.value.message_dict
    assert not Organization.objects.filter(code="BAD").exists()


@pytest.mark.parametrize("kind", [K.BRANCH, K.GENERAL_BRANCH, K.PARTY_GROUP, K.TEMPORARY_BRANCH])
def test_only_committees_stand_at_the_top(db, kind):
    with pytest.raises(ValidationError) as error:
        create(None, "TOP", kind)
    assert error.value.message_dict["kind"] == [gettext("Only a committee can stand at the top of the tree.")]


@pytest.mark.parametrize("kind", [K.SUPERIOR_COMMITTEE, K.GRASSROOTS_COMMITTEE])
def test_committees_may_stand_at_the_top(db, kind):
    assert create(None, "TOP", kind).parent is None


def test_nothing_is_created_under_a_deactivated_parent(world):
    services.organization_deactivate(actor=world.worker, organization=create(world.pc, "EMPTY", K.BRANCH))
    with pytest.raises(ValidationError):
        create(Organization.objects.get(code="EMPTY"), "CHILD", K.PARTY_GROUP)


def test_a_duplicate_code_is_refused(world):
    with pytest.raises(ValidationError) as error:
        create(world.pc, "B1", K.BRANCH)
    assert "code" in error.value.message_dict


def test_changing_a_kind_so_children_no_longer_fit_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.organization_update(actor=world.worker, organization=world.pc, kind=K.BRANCH)
    assert "kind" in error.value.message_dict
    world.pc.refresh_from_db()
    assert world.pc.kind == K.GRASSROOTS_COMMITTEE


# Move


def test_move_rewrites_the_whole_subtree_and_keeps_its_members(world):
    general = create(world.pc, "GB", K.GENERAL_BRANCH)
    member_in_group = make_member(world.g1, "郑爽", born=datetime.date(1990, 2, 2))
    old_b1_path = world.b1.path

    services.organization_move(actor=world.worker, organization=world.b1, new_parent=general)

    b1 = Organization.objects.get(code="B1")
    g1 = Organization.objects.get(code="G1")
    assert b1.parent == general
    assert b1.path == general.path + "0001"
    assert g1.path == b1.path + world.g1.path[len(old_b1_path):]
    assert (b1.depth, g1.depth) == (general.depth + 1, general.depth + 2)
    assert Member.objects.get(pk=world.member.pk).organization == b1
    assert Member.objects.get(pk=member_in_group.pk).organization == g1
    assert not Organization.objects.filter(path__startswith=old_b1_path).exclude(pk=world.b2.pk).exclude(
        path__startswith=general.path).exists()
    assert entries(AuditEntry.Action.MOVE, b1) == 1


def test_after_a_move_the_secretary_still_reaches_the_branch_and_the_worker_still_sees_it(world, client_for):
    services.organization_move(actor=superuser(), organization=world.b1, new_parent=world.sup)
    assert client_for(world.secretary).get(reverse("orgs:detail", kwargs={"pk": world.g1.pk})).status_code == 200
    # B1 left PC's subtree, so PC's worker no longer reaches it.
    assert client_for(world.worker).get(reverse("orgs:detail", kwargs={"pk": world.b1.pk})).status_code == 404


@pytest.mark.parametrize("target", ["B1", "G1"])
def test_moving_under_its_own_subtree_is_refused(world, target):
    with pytest.raises(ValidationError) as error:
        services.organization_move(actor=world.worker, organization=world.b1,
                                   new_parent=Organization.objects.get(code=target))
    assert error.value.message_dict["parent"] == [
        gettext("An organization cannot be moved under itself or its own subtree.")
    ]
    assert Organization.objects.get(code="G1").path == world.g1.path


def test_moving_to_where_it_already_is_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.organization_move(actor=world.worker, organization=world.b1, new_parent=world.pc)
    assert "parent" in error.value.message_dict


def test_move_checks_the_kind_under_the_new_parent(world):
    with pytest.raises(ValidationError):
        services.organization_move(actor=world.worker, organization=world.b1, new_parent=world.b2)
    assert Organization.objects.get(code="B1").parent == world.pc


# Deactivate


def test_deactivate_is_refused_while_active_children_remain(world):
    with pytest.raises(ValidationError):
        services.organization_deactivate(actor=world.worker, organization=world.b1)
    assert Organization.objects.get(code="B1").is_active


def test_deactivate_is_refused_while_active_members_remain(world):
    with pytest.raises(ValidationError) as error:
        services.organization_deactivate(actor=world.worker, organization=world.b2)
    assert "1" in error.value.messages[0]
    assert Organization.objects.get(code="B2").is_active


def test_deactivate_succeeds_once_members_left_and_is_audited(world):
    Member.objects.filter(organization=world.b2).update(status=Member.Status.TRANSFERRED_OUT)
    services.organization_deactivate(actor=world.worker, organization=world.b2)
    assert Organization.objects.get(code="B2").status == Organization.Status.DEACTIVATED
    assert entries(AuditEntry.Action.DEACTIVATE, world.b2) == 1
    services.organization_reactivate(actor=world.worker, organization=world.b2)
    assert Organization.objects.get(code="B2").is_active


def test_a_child_cannot_be_reactivated_under_a_deactivated_parent(world):
    Member.objects.filter(organization=world.b2).update(status=Member.Status.LEFT)
    group = create(world.b2, "G2", K.PARTY_GROUP)
    services.organization_deactivate(actor=world.worker, organization=group)
    services.organization_deactivate(actor=world.worker, organization=world.b2)
    with pytest.raises(ValidationError):
        services.organization_reactivate(actor=world.worker, organization=Organization.objects.get(code="G2"))


# Terms


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        (K.GRASSROOTS_COMMITTEE, datetime.date(2024, 6, 1), datetime.date(2029, 6, 1)),
        (K.BRANCH, datetime.date(2024, 6, 1), datetime.date(2027, 6, 1)),
        (K.GENERAL_BRANCH, datetime.date(2024, 6, 1), datetime.date(2027, 6, 1)),
        (K.BRANCH, datetime.date(2024, 2, 29), datetime.date(2027, 2, 28)),
    ],
)
def test_the_term_end_defaults_from_the_term_start(world, kind, start, end):
    parent = world.sup if kind == K.GRASSROOTS_COMMITTEE else world.pc
    org = create(parent, "T1", kind, term_start=start)
    assert org.term_end == end


def test_a_given_term_end_is_kept(world):
    org = create(world.pc, "T1", K.BRANCH, term_start=datetime.date(2024, 6, 1), term_end=datetime.date(2029, 6, 1))
    assert org.term_end == datetime.date(2029, 6, 1)


def test_a_party_group_gets_no_term_end(world):
    org = create(world.b1, "T1", K.PARTY_GROUP, term_start=datetime.date(2024, 6, 1))
    assert org.term_end is None


# Positions


def test_a_second_serving_secretary_is_refused(world):
    first = world.member
    second = make_member(world.b1, "冯刚", born=datetime.date(1982, 3, 3))
    services.position_create(actor=world.secretary, organization=world.b1, kind=Position.Kind.SECRETARY,
                             member=first, started_on=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.position_create(actor=world.secretary, organization=world.b1, kind=Position.Kind.SECRETARY,
                                 member=second, started_on=datetime.date(2025, 1, 1))
    assert "kind" in error.value.message_dict
    assert Position.objects.filter(organization=world.b1, kind=Position.Kind.SECRETARY).count() == 1


def test_a_new_secretary_may_follow_once_the_term_is_ended(world):
    second = make_member(world.b1, "冯刚", born=datetime.date(1982, 3, 3))
    old = services.position_create(actor=world.secretary, organization=world.b1, kind=Position.Kind.SECRETARY,
                                   member=world.member, started_on=datetime.date(2020, 1, 1))
    services.position_update(actor=world.secretary, position=old, ended_on=datetime.date(2024, 12, 31))
    services.position_create(actor=world.secretary, organization=world.b1, kind=Position.Kind.SECRETARY,
                             member=second, started_on=datetime.date(2025, 1, 1))
    assert entries(AuditEntry.Action.UPDATE, old) == 1


def test_a_part_time_member_needs_a_partner_unit(world):
    with pytest.raises(ValidationError) as error:
        services.position_create(actor=world.worker, organization=world.pc, kind=Position.Kind.PART_TIME,
                                 person_name="外单位书记", started_on=datetime.date(2025, 1, 1))
    assert "partner_unit" in error.value.message_dict
    partner = PartnerUnit.objects.create(host=world.pc, name="共建医院")
    position = services.position_create(actor=world.worker, organization=world.pc, kind=Position.Kind.PART_TIME,
                                        person_name="外单位书记", partner_unit=partner,
                                        started_on=datetime.date(2025, 1, 1))
    assert position.holder_name == "外单位书记"


def test_a_partner_unit_of_another_organization_is_refused(world):
    partner = PartnerUnit.objects.create(host=world.b2, name="别家的共建单位")
    with pytest.raises(ValidationError) as error:
        services.position_create(actor=world.worker, organization=world.pc, kind=Position.Kind.PART_TIME,
                                 person_name="某人", partner_unit=partner, started_on=datetime.date(2025, 1, 1))
    assert "partner_unit" in error.value.message_dict


def test_a_seat_holder_must_belong_to_the_organization_or_below(world):
    with pytest.raises(ValidationError) as error:
        services.position_create(actor=world.outsider, organization=world.b2, kind=Position.Kind.MEMBER,
                                 member=world.member, started_on=datetime.date(2025, 1, 1))
    assert "member" in error.value.message_dict
    # A member of a Party group may sit on its branch's committee.
    in_group = make_member(world.g1, "冯刚", born=datetime.date(1982, 3, 3))
    services.position_create(actor=world.secretary, organization=world.b1, kind=Position.Kind.MEMBER,
                             member=in_group, started_on=datetime.date(2025, 1, 1))


# Every write is audited


def test_every_write_leaves_an_audit_entry(world):
    actor = world.worker
    org = create(world.pc, "AUD", K.BRANCH, actor=actor)
    assert entries(AuditEntry.Action.CREATE, org) == 1
    services.organization_update(actor=actor, organization=org, name="改名支部")
    update = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, target_id=str(org.pk),
                                    target_type="orgs.organization")
    assert update.changes == {"name": ["AUD", "改名支部"]}
    assert update.actor == actor
    assert update.organization_path == org.path
    services.organization_move(actor=superuser(), organization=org, new_parent=world.sup)  # ADMIN on SUP too
    assert entries(AuditEntry.Action.MOVE, org) == 1
    services.organization_deactivate(actor=actor, organization=org)
    assert entries(AuditEntry.Action.DEACTIVATE, org) == 1

    position = services.position_create(actor=actor, organization=world.pc, kind=Position.Kind.MEMBER,
                                        person_name="某人", started_on=datetime.date(2025, 1, 1))
    assert entries(AuditEntry.Action.CREATE, position) == 1

    unit = services.work_unit_save(actor=actor, work_unit=WorkUnit(name="新单位", organization=world.pc))
    assert entries(AuditEntry.Action.CREATE, unit) == 1
    department = services.department_save(actor=actor, department=Department(work_unit=unit, name="财务部"))
    assert entries(AuditEntry.Action.CREATE, department) == 1
    partner = services.partner_unit_save(actor=actor, partner=PartnerUnit(host=world.pc, name="共建学校"))
    assert entries(AuditEntry.Action.CREATE, partner) == 1


def test_an_update_that_changes_nothing_is_not_logged(world):
    before = AuditEntry.objects.count()
    services.organization_update(actor=world.worker, organization=world.b1, name=world.b1.name)
    assert AuditEntry.objects.count() == before


# The forms show the services' refusals on the page


def test_the_create_form_shows_a_kind_refusal(world, client_for):
    response = client_for(world.worker).post(
        reverse("orgs:create") + f"?parent={world.b1.pk}", {"name": "总支", "code": "GBX", "kind": K.GENERAL_BRANCH}
    )
    assert response.status_code == 200
    with translation.override("zh-hans"):
        expected = zh("A %(kind)s cannot be placed under a %(parent)s.",
                      kind=K.GENERAL_BRANCH.label, parent=K.BRANCH.label)
    assert expected in response.content.decode()
    assert not Organization.objects.filter(code="GBX").exists()


def test_the_create_form_creates_and_redirects(world, client_for):
    response = client_for(world.worker).post(
        reverse("orgs:create") + f"?parent={world.pc.pk}",
        {"name": "第三支部", "code": "b3", "kind": K.BRANCH, "term_start": "2025-01-01"},
    )
    org = Organization.objects.get(code="B3")  # the code is upper-cased
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:detail", kwargs={"pk": org.pk})
    assert org.parent == world.pc
    assert org.term_end == datetime.date(2028, 1, 1)


def test_the_create_form_shows_a_duplicate_code(world, client_for):
    response = client_for(world.worker).post(
        reverse("orgs:create") + f"?parent={world.pc.pk}", {"name": "又一个", "code": "B2", "kind": K.BRANCH}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert Organization.objects.filter(code="B2").count() == 1


def test_the_edit_form_shows_a_kind_refusal(world, client_for):
    response = client_for(world.worker).post(
        reverse("orgs:edit", kwargs={"pk": world.pc.pk}), {"name": "基层党委", "code": "PC", "kind": K.BRANCH}
    )
    assert response.status_code == 200
    assert zh("The organizations under this one would no longer fit this kind.") in response.content.decode()
    assert Organization.objects.get(code="PC").kind == K.GRASSROOTS_COMMITTEE


def test_the_edit_form_records_what_changed(world, client_for):
    response = client_for(world.worker).post(
        reverse("orgs:edit", kwargs={"pk": world.b1.pk}), {"name": "机关第一支部", "code": "B1", "kind": K.BRANCH}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, target_id=str(world.b1.pk),
                                   target_type="orgs.organization")
    assert entry.changes == {"name": ["第一支部", "机关第一支部"]}


def test_the_position_edit_form_records_what_changed(world, client_for):
    position = services.position_create(actor=world.secretary, organization=world.b1, kind=Position.Kind.MEMBER,
                                        member=world.member, started_on=datetime.date(2024, 1, 1))
    response = client_for(world.secretary).post(
        reverse("orgs:position-edit", kwargs={"pk": position.pk}),
        {"kind": "member", "member": world.member.pk, "started_on": "2024-01-01", "ended_on": "2024-12-31"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, target_id=str(position.pk))
    assert entry.changes == {"ended_on": ["", "2024-12-31"]}


def test_the_move_form_shows_a_kind_refusal(world, client_for):
    response = client_for(world.worker).post(reverse("orgs:move", kwargs={"pk": world.b1.pk}),
                                             {"parent": world.b2.pk})
    assert response.status_code == 200
    with translation.override("zh-hans"):
        expected = zh("A %(kind)s cannot be placed under a %(parent)s.", kind=K.BRANCH.label, parent=K.BRANCH.label)
    assert expected in response.content.decode()
    assert Organization.objects.get(code="B1").parent == world.pc


def test_the_move_form_does_not_offer_the_own_subtree(world, client_for):
    response = client_for(world.worker).post(reverse("orgs:move", kwargs={"pk": world.b1.pk}),
                                             {"parent": world.g1.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    assert Organization.objects.get(code="B1").parent == world.pc


def test_the_move_form_moves(world, client_for):
    general = create(world.pc, "GB", K.GENERAL_BRANCH)
    response = client_for(world.worker).post(reverse("orgs:move", kwargs={"pk": world.b2.pk}),
                                             {"parent": general.pk})
    assert response.status_code == 302
    assert Organization.objects.get(code="B2").parent == general


def test_the_move_form_offers_only_where_the_worker_may_administer(world, client_for):
    response = client_for(world.worker).post(reverse("orgs:move", kwargs={"pk": world.b2.pk}),
                                             {"parent": world.sup.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    assert Organization.objects.get(code="B2").parent == world.pc


def test_the_deactivate_button_shows_the_refusal(world, client_for):
    response = client_for(world.worker).post(reverse("orgs:deactivate", kwargs={"pk": world.b1.pk}), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("orgs:detail", kwargs={"pk": world.b1.pk}), 302)]
    assert zh("Move or deactivate the organizations under this one first.") in response.content.decode()
    assert Organization.objects.get(code="B1").is_active


def test_the_position_form_shows_a_second_secretary_refusal(world, client_for):
    client = client_for(world.secretary)
    url = reverse("orgs:position-create", kwargs={"pk": world.b1.pk})
    first = client.post(url, {"kind": "secretary", "member": world.member.pk, "started_on": "2024-01-01"})
    assert first.status_code == 302
    second = client.post(url, {"kind": "secretary", "person_name": "另一人", "started_on": "2025-01-01"})
    assert second.status_code == 200
    assert zh("The organization already has a serving secretary; end that term first.") in second.content.decode()
    assert Position.objects.filter(organization=world.b1, kind="secretary").count() == 1
