from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record, diff, snapshot
from chuxin.core.models import IdempotencyKey

from . import citizen_id
from .models import Member
from .pinyin import name_keys

MEMBER_FIELDS = [
    "organization", "name", "gender", "ethnicity", "birth_date", "phone", "education", "work_unit", "department",
    "post", "joined_on", "full_member_on", "category", "status",
]


def apply_citizen_id(member: Member, number: str) -> None:
    """Set the encrypted number, its mask and its digest from an already validated number."""
    member.citizen_id_encrypted = citizen_id.encrypt(number)
    member.citizen_id_masked = citizen_id.mask(number)
    member.citizen_id_digest = citizen_id.digest(number)


def check_member(member: Member) -> None:
    """Rules across fields that a form and an import row must both pass."""
    errors: dict[str, str] = {}
    if member.category == Member.Category.FULL and not member.full_member_on:
        errors["full_member_on"] = _("A full member needs the date of full membership.")
    if member.category == Member.Category.PROBATIONARY and member.full_member_on:
        errors["full_member_on"] = _("A probationary member has no date of full membership yet.")
    if member.department_id and member.work_unit_id and member.department.work_unit_id != member.work_unit_id:
        errors["department"] = _("This department belongs to another work unit.")
    if errors:
        raise ValidationError(errors)


def _duplicate_error() -> ValidationError:
    return ValidationError({"citizen_id": _("A member with this citizen ID number is already registered.")})


@transaction.atomic
def member_create(*, actor, citizen_id_number: str, token: str = "", request=None, **fields: Any) -> Member:
    """`token`: the form's one-time token; the same form sent twice answers with the first file, not with "this
    number is already registered"."""

    def create() -> Member:
        member = Member(**fields)
        member.name_pinyin, member.name_initials = name_keys(member.name)
        apply_citizen_id(member, citizen_id_number)
        if Member.objects.filter(citizen_id_digest=member.citizen_id_digest).exists():
            raise _duplicate_error()
        member.full_clean()
        check_member(member)
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError as exc:  # another form racing past the check above with the same number
            raise _duplicate_error() from exc
        audit_record(
            actor=actor, action=AuditEntry.Action.CREATE, target=member, organization=member.organization,
            request=request,
        )
        return member

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Member, create=create)


@transaction.atomic
def member_update(
    *, actor, member: Member, citizen_id_number: str | None = None, request=None, **fields: Any
) -> Member:
    before = snapshot(member, MEMBER_FIELDS)
    old_digest = member.citizen_id_digest
    for name, value in fields.items():
        setattr(member, name, value)
    member.name_pinyin, member.name_initials = name_keys(member.name)
    if citizen_id_number:
        apply_citizen_id(member, citizen_id_number)
        if (
            member.citizen_id_digest != old_digest
            and Member.objects.filter(citizen_id_digest=member.citizen_id_digest).exclude(pk=member.pk).exists()
        ):
            raise _duplicate_error()
    member.full_clean()
    check_member(member)
    member.save()
    changes = diff(member, before, MEMBER_FIELDS)
    if member.citizen_id_digest != old_digest:
        changes["citizen_id"] = ["***", "***"]  # the log records that it changed, never the number
    if changes:
        audit_record(
            actor=actor, action=AuditEntry.Action.UPDATE, target=member, organization=member.organization,
            changes=changes, request=request,
        )
    return member


@transaction.atomic
def member_reveal_citizen_id(*, actor, member: Member, request=None) -> str:
    number = citizen_id.decrypt(member.citizen_id_encrypted)
    audit_record(
        actor=actor, action=AuditEntry.Action.REVEAL, target=member, organization=member.organization,
        changes={"field": "citizen_id"}, request=request,
    )
    return number
