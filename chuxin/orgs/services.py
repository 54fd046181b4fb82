"""Writes to the organization tree, work units, partner units and committee positions.

Each service checks its actor first, whoever calls it (ADMIN for the structure, MANAGE for committee seats); then
the rules that span rows (tree shape, kinds), runs full_clean, saves in a transaction
and writes the audit entry in the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record, diff, snapshot
from chuxin.core import rules as core_rules
from chuxin.core import versions
from chuxin.core.access import Need, authorize, rank_on
from chuxin.core.models import IdempotencyKey, next_position
from chuxin.core.paths import MAX_DEPTH, STEP_LEN, next_child_path, subtree_q
from chuxin.members import org_paths as member_paths
from chuxin.members.models import Member
from chuxin.members.tallies import negative, subtree_tally, tally_add
from chuxin.records.services import record_work

from . import path_copies, rules
from .models import Department, Organization, PartnerUnit, Position, RuleSetting, WorkUnit

ORG_FIELDS = ["name", "code", "kind", "established_on", "term_start", "term_end", "work_unit", "description"]


def _check_kind(kind: str, parent: Organization | None) -> None:
    if parent is None:
        if kind not in rules.ROOT_KINDS:
            raise ValidationError({"kind": _("Only a committee can stand at the top of the tree.")})
        return
    if kind not in rules.ALLOWED_CHILDREN.get(parent.kind, ()):
        raise ValidationError(
            {
                "kind": _("A %(kind)s cannot be placed under a %(parent)s.")
                % {"kind": Organization.Kind(kind).label, "parent": parent.get_kind_display()}
            }
        )
    if not parent.is_active:
        raise ValidationError(_("The parent organization is deactivated."))


def _new_path(parent: Organization | None) -> str:
    prefix = parent.path if parent else ""
    siblings = Organization.objects.filter(parent=parent) if parent else Organization.objects.filter(parent=None)
    last = siblings.order_by("-path").values_list("path", flat=True).first()
    if parent and len(prefix) // STEP_LEN >= MAX_DEPTH:
        raise ValidationError(_("The tree cannot be deeper than %(n)s levels.") % {"n": MAX_DEPTH})
    return next_child_path(prefix, last)


@transaction.atomic
def organization_create(*, actor, parent: Organization | None, token: str = "",
                        **fields: Any) -> Organization:
    """`token`: the form's one-time token; the same form sent twice makes one organization. Under a parent:
    ADMIN there; a new tree: a superuser only (standing on the whole house)."""
    if parent is not None:
        authorize(actor, parent, Need.ADMIN)
    elif actor is not None and rank_on(actor, "") < Need.ADMIN:
        raise PermissionDenied


    def create() -> Organization:
        kind = fields.get("kind", "")
        _check_kind(kind, parent)
        org = Organization(parent=parent, **fields)
        if org.term_start and not org.term_end:
            org.term_end = rules.default_term_end(kind, org.term_start)
        org.path = _new_path(parent)
        org.depth = len(org.path) // STEP_LEN
        org.full_clean()
        org.save()
        if org.is_active:
            tally_add({org.path: (0, 0, 1)})  # the active organizations counted on the home page
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=org, organization=org)
        return org

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Organization, create=create)


@transaction.atomic
def organization_update(*, actor, organization: Organization, **fields: Any) -> Organization:
    authorize(actor, organization, Need.ADMIN)
    before = snapshot(organization, ORG_FIELDS)
    if fields.get("kind", organization.kind) != organization.kind:
        _check_kind(fields["kind"], organization.parent)
        for child in organization.children.only("kind"):
            if child.kind not in rules.ALLOWED_CHILDREN.get(fields["kind"], ()):
                raise ValidationError({"kind": _("The organizations under this one would no longer fit this kind.")})
    for name, value in fields.items():
        setattr(organization, name, value)
    if organization.term_start and not organization.term_end:
        organization.term_end = rules.default_term_end(organization.kind, organization.term_start)
    organization.full_clean()
    organization.save()
    changes = diff(organization, before, ORG_FIELDS)
    if changes:
        audit_record(
            actor=actor, action=AuditEntry.Action.UPDATE, target=organization, organization=organization,
            changes=changes,
        )
    return organization


@transaction.atomic
def organization_move(*, actor, organization: Organization, new_parent: Organization) -> Organization:
    """Re-hang a subtree: one UPDATE rewrites every descendant's path prefix, one more its members' copy of it.
    ADMIN where it is and where it goes."""
    authorize(actor, organization, Need.ADMIN)
    authorize(actor, new_parent, Need.ADMIN)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if new_parent.path.startswith(organization.path):
        raise ValidationError({"parent": _("An organization cannot be moved under itself or its own subtree.")})
    if new_parent.pk == organization.parent_id:
        raise ValidationError({"parent": _("The organization is already there.")})
    _check_kind(organization.kind, new_parent)
    old_path, old_parent = organization.path, organization.parent
    new_path = _new_path(new_parent)
    depth_change = (len(new_path) - len(old_path)) // STEP_LEN
    deepest = (
        Organization.objects.filter(subtree_q(old_path)).order_by("-depth").values_list("depth", flat=True).first()
    )
    if deepest + depth_change > MAX_DEPTH:
        raise ValidationError(_("The tree cannot be deeper than %(n)s levels.") % {"n": MAX_DEPTH})
    # The subtree's members and organizations leave the old parent's chain and join the new one's (the subtree's
    # own counters stay as they are).
    moved = subtree_tally(organization)
    tally_add({old_parent.path: negative(moved), new_parent.path: moved} if old_parent else {new_parent.path: moved})
    Organization.objects.filter(subtree_q(old_path)).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )
    member_paths.subtree_moved(old_path, new_path)  # the member rows' copy of the path (Member.org_path)
    path_copies.subtree_moved(old_path, new_path)  # every other record's copy (meetings, work records, ...)
    Organization.objects.filter(pk=organization.pk).update(parent=new_parent)
    versions.bump_on_commit(core_rules.VERSION)  # the rules kept by path (chuxin.core.rules.value): the paths moved
    organization.refresh_from_db()
    audit_record(
        actor=actor, action=AuditEntry.Action.MOVE, target=organization, organization=organization,
        changes={"parent": [str(old_parent or ""), str(new_parent)]},
    )
    return organization


@transaction.atomic
def organization_deactivate(*, actor, organization: Organization) -> Organization:
    authorize(actor, organization, Need.ADMIN)
    if organization.children.filter(status=Organization.Status.ACTIVE).exists():
        raise ValidationError(
            _("Move or deactivate the organizations under this one first.")
        )
    active = Member.objects.filter(organization=organization, status=Member.Status.ACTIVE).count()
    if active:
        raise ValidationError(
            _("%(n)s active members still belong here; transfer them to another organization first.") % {"n": active}
        )
    was_active = Organization.objects.filter(pk=organization.pk, status=Organization.Status.ACTIVE).exists()
    organization.status = Organization.Status.DEACTIVATED
    organization.save(update_fields=["status", "updated_at"])
    if was_active:
        tally_add({organization.path: (0, 0, -1)})
    audit_record(
        actor=actor, action=AuditEntry.Action.DEACTIVATE, target=organization, organization=organization,
    )
    return organization


@transaction.atomic
def organization_reactivate(*, actor, organization: Organization) -> Organization:
    authorize(actor, organization, Need.ADMIN)
    if organization.parent and not organization.parent.is_active:
        raise ValidationError(_("The parent organization is deactivated."))
    was_active = Organization.objects.filter(pk=organization.pk, status=Organization.Status.ACTIVE).exists()
    organization.status = Organization.Status.ACTIVE
    organization.save(update_fields=["status", "updated_at"])
    if not was_active:
        tally_add({organization.path: (0, 0, 1)})
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, target=organization, organization=organization,
        changes={"status": ["deactivated", "active"]},
    )
    return organization


POSITION_FIELDS = ["kind", "member", "person_name", "partner_unit", "started_on", "ended_on"]


def _check_position(position: Position) -> None:
    if position.member_id and position.member.organization.path[: len(position.organization.path)] != (
        position.organization.path
    ) and not position.partner_unit_id:
        raise ValidationError(
            {"member": _("The member must belong to this organization or one under it.")}
        )
    if position.partner_unit_id and position.partner_unit.host_id != position.organization_id:
        raise ValidationError({"partner_unit": _("This partner unit is not on this organization's joint committee.")})
    if position.kind == Position.Kind.PART_TIME and not position.partner_unit_id:
        raise ValidationError({"partner_unit": _("A part-time member comes from a partner unit; choose it.")})
    if position.kind == Position.Kind.SECRETARY and position.ended_on is None:
        others = Position.objects.filter(
            organization=position.organization, kind=Position.Kind.SECRETARY, ended_on__isnull=True
        ).exclude(pk=position.pk)
        if others.exists():
            raise ValidationError(
                {"kind": _("The organization already has a serving secretary; end that term first.")}
            )


def _record_seat(position: Position, actor) -> None:
    """Collect once: a person taking a seat this year is a work record ("position_taken"); the responsibility
    lists react to it (their consumer makes the holder's list), so this app never calls up into theirs. Keyed by
    holder and year: a new holder of the same seat, or the seat running into a new year, is a new record."""
    year = timezone.localdate().year
    if position.started_on.year > year or (position.ended_on and position.ended_on.year < year):
        return
    holder = f"m:{position.member_id}" if position.member_id else f"n:{position.person_name}"
    member = position.member if position.member_id else None
    record_work(
        kind="position_taken", organization=position.organization, on=max(position.started_on, date(year, 1, 1)),
        target=position, actor=actor, users=[member.user if member else None], members=[member],
        payload={"post": position.kind, "year": year}, key=f"{holder}:{year}", label=str(position),
    )


@transaction.atomic
def position_create(*, actor, organization: Organization, token: str = "",
                    **fields: Any) -> Position:
    authorize(actor, organization, Need.MANAGE)

    def create() -> Position:
        position = Position(organization=organization, **fields)
        position.full_clean()
        _check_position(position)
        position.save()
        audit_record(
            actor=actor, action=AuditEntry.Action.CREATE, target=position, organization=organization,
        )
        _record_seat(position, actor)
        return position

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Position, create=create)


@transaction.atomic
def position_update(*, actor, position: Position, **fields: Any) -> Position:
    authorize(actor, position.organization, Need.MANAGE)
    before = snapshot(position, POSITION_FIELDS)
    for name, value in fields.items():
        setattr(position, name, value)
    position.full_clean()
    _check_position(position)
    position.save()
    changes = diff(position, before, POSITION_FIELDS)
    if changes:
        audit_record(
            actor=actor, action=AuditEntry.Action.UPDATE, target=position, organization=position.organization,
            changes=changes,
        )
    _record_seat(position, actor)
    return position


def _authorize_admin(actor, instance, organization: Organization, stored_path: str) -> None:
    """ADMIN where the row goes and, for a change, where the stored row stands (`stored_path`: the lookup of its
    organization's path), so a changed row cannot be taken from an organization the actor does not administer."""
    authorize(actor, organization, Need.ADMIN)
    if actor is not None and instance.pk:
        stored = type(instance)._default_manager.filter(pk=instance.pk).values_list(stored_path, flat=True).first()
        if stored is not None and rank_on(actor, stored) < Need.ADMIN:
            raise PermissionDenied


def _save_simple(*, actor, instance, organization, fields: list[str], creating: bool, before=None,
                 token: str = ""):
    if creating and token:  # the same form sent twice makes one row
        return IdempotencyKey.objects.create_once(
            actor=actor, token=token, model=type(instance), create=lambda: _save_simple(
                actor=actor, instance=instance, organization=organization, fields=fields,
                creating=True),
        )
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:  # a concurrent twin slipped past full_clean's uniqueness check
        raise ValidationError(_("This name is already in use.")) from exc
    if creating:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=instance, organization=organization)
    else:
        changes = diff(instance, before, fields)
        if changes:
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=instance, organization=organization,
                         changes=changes)
    return instance


WORK_UNIT_FIELDS = ["name", "code", "address", "organization"]
PARTNER_FIELDS = [
    "name", "party_organization_name", "contact_name", "contact_phone", "address", "agreement_on", "is_active",
    "notes",
]


@transaction.atomic
def work_unit_save(*, actor, work_unit: WorkUnit, before: dict | None = None, token: str = "") -> WorkUnit:
    """Create (before=None) or change a work unit; `token` makes a twice-sent create form make one."""
    _authorize_admin(actor, work_unit, work_unit.organization, "organization__path")
    return _save_simple(
        actor=actor, instance=work_unit, organization=work_unit.organization, fields=WORK_UNIT_FIELDS,
        creating=before is None, before=before, token=token,
    )


@transaction.atomic
def department_save(*, actor, department: Department, before: dict | None = None, token: str = "") -> Department:
    _authorize_admin(actor, department, department.work_unit.organization, "work_unit__organization__path")
    """Add (before=None) or rename a department; a new one comes after the unit's others."""
    if before is None and department.pk is None:
        department.sort_order = next_position(Department.objects.filter(work_unit=department.work_unit_id),
                                              "sort_order")
    return _save_simple(
        actor=actor, instance=department, organization=department.work_unit.organization,
        fields=["name", "sort_order"], creating=before is None, before=before, token=token,
    )


@transaction.atomic
def partner_unit_save(*, actor, partner: PartnerUnit, before: dict | None = None, token: str = "") -> PartnerUnit:
    _authorize_admin(actor, partner, partner.host, "host__path")
    return _save_simple(
        actor=actor, instance=partner, organization=partner.host, fields=PARTNER_FIELDS, creating=before is None,
        before=before, token=token,
    )


def _configurable_rule(actor, organization: Organization, code: str) -> core_rules.Rule:
    """The rule an organization's worker may set: ADMIN on the organization, a declared and configurable rule."""
    authorize(actor, organization, Need.ADMIN)
    try:
        rule = core_rules.get(code)
    except LookupError:
        raise ValidationError(_("There is no such rule.")) from None
    if not rule.configurable:
        raise ValidationError(_("This rule is set by the regulations; no organization can change it."))
    return rule


@transaction.atomic
def rule_set(*, actor, organization: Organization, code: str, value: Any, reason: str = "") -> RuleSetting:
    """The organization's own value for a configurable rule, for it and everything under it."""
    rule = _configurable_rule(actor, organization, code)
    parsed = rule.parse(value)
    setting = RuleSetting.objects.select_for_update().filter(organization=organization, code=code).first()
    existed = setting is not None
    before = _shown(rule, setting.value) if existed else ""
    before_reason = setting.reason if existed else ""
    if not existed:
        setting = RuleSetting(organization=organization, code=code)
    setting.value, setting.reason = rule.to_json(parsed), reason.strip()
    setting.set_by = actor if actor is not None and actor.is_authenticated else None
    setting.full_clean()
    try:
        with transaction.atomic():  # a concurrent first setting of the same rule: the unique constraint answers
            setting.save()
    except IntegrityError as exc:
        raise ValidationError(_("Someone set this rule at the same moment; reload the page.")) from exc
    versions.bump_on_commit(core_rules.VERSION)  # the values kept by path (chuxin.core.rules.value)
    changes = {"value": [before, rule.display(parsed)]}
    if before_reason != setting.reason:
        changes["reason"] = [before_reason, setting.reason]
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE if existed else AuditEntry.Action.CREATE,
        target=setting, organization=organization, changes=changes, target_repr=f"{organization} · {rule.label}",
    )
    return setting


@transaction.atomic
def rule_clear(*, actor, organization: Organization, code: str) -> bool:
    """Drop the organization's own value: the nearest ancestor's, or the default, holds again. False if none."""
    rule = _configurable_rule(actor, organization, code)
    setting = RuleSetting.objects.select_for_update().filter(organization=organization, code=code).first()
    if setting is None:
        return False
    before = _shown(rule, setting.value)
    audit_record(
        actor=actor, action=AuditEntry.Action.DELETE, target=setting, organization=organization,
        changes={"value": [before, ""]}, target_repr=f"{organization} · {rule.label}",
    )
    setting.delete()
    versions.bump_on_commit(core_rules.VERSION)  # the values kept by path (chuxin.core.rules.value)
    return True


def _shown(rule: core_rules.Rule, raw: Any) -> str:
    """A stored value for the audit log, in the actor's language; as stored if the rule no longer allows it."""
    try:
        return rule.display(rule.parse(raw))
    except ValidationError:
        return str(raw)
