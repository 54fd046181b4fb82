"""Every write service of the orgs app checks its actor itself, whoever calls it (a page, an API, a job): an
actor without standing on the organization (a stranger; the sibling branch's secretary) is refused, and nothing
is written. A change that would take a row from an organization the actor does not administer is refused too."""

from __future__ import annotations

import datetime

from chuxin.audit.services import snapshot
from chuxin.orgs import services
from chuxin.orgs.models import Department, Organization, PartnerUnit, Position, WorkUnit
from chuxin.testing import not_refused, service_functions

K = Organization.Kind


def test_every_write_service_refuses_an_actor_without_standing(world):
    position = Position.objects.create(organization=world.b1, kind=Position.Kind.MEMBER, person_name="孙八",
                                       started_on=datetime.date(2024, 1, 1))
    unit = WorkUnit.objects.create(name="第一支部单位", organization=world.b1)
    department = Department.objects.create(work_unit=unit, name="办公室")
    partner = PartnerUnit.objects.create(host=world.b1, name="共建单位")
    tried = {
        "organization_create": lambda a: services.organization_create(actor=a, parent=world.b1, name="小组",
                                                                      code="NG", kind=K.PARTY_GROUP),
        "organization_update": lambda a: services.organization_update(actor=a, organization=world.b1, name="改名"),
        "organization_move": lambda a: services.organization_move(actor=a, organization=world.g1,
                                                                  new_parent=world.b2),
        "organization_deactivate": lambda a: services.organization_deactivate(actor=a, organization=world.g1),
        "organization_reactivate": lambda a: services.organization_reactivate(actor=a, organization=world.g1),
        "position_create": lambda a: services.position_create(actor=a, organization=world.b1,
                                                              kind=Position.Kind.YOUTH, person_name="周九",
                                                              started_on=datetime.date(2024, 1, 1)),
        "position_update": lambda a: services.position_update(actor=a, position=position, person_name="吴十"),
        "work_unit_save": lambda a: services.work_unit_save(
            actor=a, work_unit=WorkUnit(name="新单位", organization=world.b1)),
        "department_save": lambda a: services.department_save(
            actor=a, department=Department(work_unit=unit, name="新部门")),
        "partner_unit_save": lambda a: services.partner_unit_save(actor=a, partner=PartnerUnit(host=world.b1,
                                                                                                name="新共建")),
        "rule_set": lambda a: services.rule_set(actor=a, organization=world.b1, code="term_warning_days", value=30),
        "rule_clear": lambda a: services.rule_clear(actor=a, organization=world.b1, code="term_warning_days"),
    }
    assert set(tried) == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider, world.committee) == []
    # Changes too, where the row stands: a secretary of B1 is no administrator there.
    changes = {
        "work_unit_save": lambda a: services.work_unit_save(actor=a, work_unit=unit, before=snapshot(
            unit, services.WORK_UNIT_FIELDS)),
        "department_save": lambda a: services.department_save(actor=a, department=department, before={}),
        "partner_unit_save": lambda a: services.partner_unit_save(actor=a, partner=partner, before={}),
    }
    assert not_refused(changes, world.outsider, world.secretary) == []


def test_a_row_cannot_be_taken_from_where_the_actor_does_not_administer(world):
    """The outsider administers B2 (as a worker there); a unit of B1 handed to the service as moved to B2 is
    refused: the stored row's organization counts, not only where the caller says it goes."""
    from chuxin.accounts.models import Role, RoleGrant

    RoleGrant.objects.create(user=world.outsider, organization=world.b2, role=Role.WORKER)
    unit = WorkUnit.objects.create(name="第一支部单位", organization=world.b1)
    before = snapshot(unit, services.WORK_UNIT_FIELDS)
    unit.organization = world.b2
    assert not_refused({"work_unit_save": lambda a: services.work_unit_save(actor=a, work_unit=unit,
                                                                            before=before)}, world.outsider) == []
    assert WorkUnit.objects.get(pk=unit.pk).organization == world.b1


def test_only_a_superuser_starts_a_new_tree(world):
    new_tree = {"organization_create": lambda a: services.organization_create(
        actor=a, parent=None, name="新党委", code="NEW", kind=K.SUPERIOR_COMMITTEE)}
    assert not_refused(new_tree, world.worker, world.viewer, world.stranger) == []
