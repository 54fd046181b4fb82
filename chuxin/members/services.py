from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from chuxin.accounts.services import account_name_sync
from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record, diff, snapshot
from chuxin.core.access import Need, authorize, rank_on, scope_prefixes
from chuxin.core.models import IdempotencyKey
from chuxin.orgs.selectors import organization_above

from . import citizen_id, tallies
from .access import THEMSELF
from .models import Member
from .pinyin import name_keys

MEMBER_FIELDS = [
    "organization", "name", "gender", "ethnicity", "birth_date", "phone", "education", "work_unit", "department",
    "post", "joined_on", "full_member_on", "category", "status",
    "home_address", "landline", "party_standing", "party_standing_on", "lost_contact", "lost_contact_on",
    "lost_contact_reason", "away", "away_destination", "away_organization",
]


def apply_citizen_id(member: Member, number: str) -> None:
    """Set the encrypted number, its mask and its digest from an already validated number."""
    member.citizen_id_encrypted = citizen_id.encrypt(number)
    member.citizen_id_masked = citizen_id.mask(number)
    member.citizen_id_digest = citizen_id.digest(number)


def clean_landline(value: str) -> str:
    """A fixed line as people write it: an area code and the number, with a dash or spaces (010-12345678)."""
    phone = (value or "").strip().replace(" ", "-")
    digits = phone.replace("-", "")
    if phone and not (digits.isdigit() and 7 <= len(digits) <= 16):
        raise ValidationError(_("A landline has 7 to 16 digits, e.g. 010-12345678."))
    return phone


def check_member(member: Member) -> None:
    """Rules across fields that a form and an import row must both pass."""
    errors: dict[str, str] = {}
    if member.category == Member.Category.FULL and not member.full_member_on:
        errors["full_member_on"] = _("A full member needs the date of full membership.")
    if member.category == Member.Category.PROBATIONARY and member.full_member_on:
        errors["full_member_on"] = _("A probationary member has no date of full membership yet.")
    if member.department_id and member.work_unit_id and member.department.work_unit_id != member.work_unit_id:
        errors["department"] = _("This department belongs to another work unit.")
    if member.party_standing != Member.PartyStanding.NORMAL and not member.party_standing_on:
        errors["party_standing_on"] = _("Give the date of this membership status.")
    if member.lost_contact and not member.lost_contact_on:
        errors["lost_contact_on"] = _("Give the date contact was lost.")
    if member.lost_contact and not member.lost_contact_reason:
        errors["lost_contact_reason"] = _("Choose why contact was lost.")
    if not member.lost_contact and (member.lost_contact_on or member.lost_contact_reason):
        errors["lost_contact"] = _("Tick “lost contact” to give its date and reason, or leave them empty.")
    if member.away and not member.away_destination:
        errors["away_destination"] = _("Give where the member has gone.")
    if errors:
        raise ValidationError(errors)


def _duplicate_error() -> ValidationError:
    return ValidationError({"citizen_id": _("A member with this citizen ID number is already registered.")})


def citizen_id_unusable_message() -> str:
    """For a number already on a file the user may not see: says nothing of where, or whether, it is registered."""
    return _("This ID number cannot be used here; ask the Party-affairs worker of your unit.")


def may_see(actor, member: Member) -> bool:
    """Whether the actor may read the file anyway, so naming it as a duplicate tells them nothing new."""
    return actor is None or member.user_id == actor.pk or rank_on(actor, member.organization.path) >= Need.READ


def citizen_id_refusal_record(*, actor, organization, attempt: str) -> None:
    """Audit an attempt to file a number registered outside the actor's scope (repeated attempts are how someone
    would probe for members elsewhere). The entry names the attempt, never the number, and is recorded against the
    organization the file was meant for, or the top of the actor's scope, so that organization's workers see it.
    Written in a transaction of its own: the refused write itself rolls back."""
    if organization is None:
        organization = organization_above(scope_prefixes(actor, Need.MANAGE))
    with transaction.atomic():
        audit_record(actor=actor, action=AuditEntry.Action.REFUSED, organization=organization,
                     target_repr=attempt[:200])


def _check_unique(*, actor, digest: str, exclude_pk: int | None, organization) -> None:
    other = Member.objects.filter(citizen_id_digest=digest).exclude(pk=exclude_pk).select_related("organization")
    other = other.first()
    if other is None:
        return
    if may_see(actor, other):
        raise _duplicate_error()
    citizen_id_refusal_record(
        actor=actor, organization=organization,
        attempt=_("Member file refused: its ID number cannot be used here"),
    )
    raise ValidationError({"citizen_id": citizen_id_unusable_message()})


def member_create(*, actor, citizen_id_number: str, token: str = "", **fields: Any) -> Member:
    """`token`: the form's one-time token; the same form sent twice answers with the first file, not with "this
    number is already registered"."""
    authorize(actor, fields.get("organization"), Need.MANAGE)
    if token and getattr(actor, "is_authenticated", False):
        key = IdempotencyKey.objects.filter(user_id=actor.pk, token=token).first()
        made = key.made() if key is not None else None
        if isinstance(made, Member):
            return made
    # Outside the write's transaction: a refusal stays audited when the write rolls back.
    _check_unique(actor=actor, digest=citizen_id.digest(citizen_id_number), exclude_pk=None,
                  organization=fields.get("organization"))
    return _member_create(actor=actor, citizen_id_number=citizen_id_number, token=token, **fields)


@transaction.atomic
def _member_create(*, actor, citizen_id_number: str, token: str, **fields: Any) -> Member:
    def create() -> Member:
        member = Member(**fields)
        member.name_pinyin, member.name_initials = name_keys(member.name)
        member.org_path = member.organization.path  # the member list's scope (Member.org_path)
        apply_citizen_id(member, citizen_id_number)
        if Member.objects.filter(citizen_id_digest=member.citizen_id_digest).exists():
            raise _duplicate_error()  # registered since the check above
        member.full_clean()
        check_member(member)
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError as exc:  # another form racing past the check above with the same number
            raise _duplicate_error() from exc
        tallies.tally_changes([(None, tallies.state_of(member))])
        audit_record(
            actor=actor, action=AuditEntry.Action.CREATE, target=member, organization=member.organization,
        )
        return member

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Member, create=create)


def member_update(
    *, actor, member: Member, citizen_id_number: str | None = None, **fields: Any
) -> Member:
    authorize(actor, member.organization, Need.MANAGE)
    if "organization" in fields:  # a transfer: MANAGE where the file goes too
        authorize(actor, fields["organization"], Need.MANAGE)
    if citizen_id_number:
        digest = citizen_id.digest(citizen_id_number)
        if digest != member.citizen_id_digest:
            _check_unique(actor=actor, digest=digest, exclude_pk=member.pk,
                          organization=fields.get("organization", member.organization))
    return _member_update(actor=actor, member=member, citizen_id_number=citizen_id_number, **fields)


@transaction.atomic
def _member_update(
    *, actor, member: Member, citizen_id_number: str | None = None, **fields: Any
) -> Member:
    before = snapshot(member, MEMBER_FIELDS)
    old_state = tallies.state_of(member)  # a transfer, a status or a category change moves it between tallies
    old_digest = member.citizen_id_digest
    for name, value in fields.items():
        setattr(member, name, value)
    member.name_pinyin, member.name_initials = name_keys(member.name)
    member.org_path = member.organization.path  # a transfer moves the member list's scope with it
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
    tallies.tally_changes([(old_state, tallies.state_of(member))])
    if member.user_id and member.name != before["name"]:
        account_name_sync(account=member.user, name=member.name)  # the account shows the file's name
    changes = diff(member, before, MEMBER_FIELDS)
    if member.citizen_id_digest != old_digest:
        changes["citizen_id"] = ["***", "***"]  # the log records that it changed, never the number
    if changes:
        audit_record(
            actor=actor, action=AuditEntry.Action.UPDATE, target=member, organization=member.organization,
            changes=changes,
        )
    return member


@transaction.atomic
def member_reveal_citizen_id(*, actor, member: Member) -> str:
    authorize(actor, member.organization, Need.ADMIN, obj=member, relations=[THEMSELF.granting(Need.ADMIN)])
    number = citizen_id.decrypt(member.citizen_id_encrypted)
    audit_record(
        actor=actor, action=AuditEntry.Action.REVEAL, target=member, organization=member.organization,
        changes={"field": "citizen_id"},
    )
    return number


def member_move(*, actor, member: Member, organization, approved_by) -> Member:
    """The member file moves to `organization` with everything that hangs on it (its records, attendances, the
    history of its pages): an accepted membership transfer. Both sides consent: the receiving side accepts (the
    actor needs MANAGE where the file goes) after the sending side approved (`approved_by` needs MANAGE where the
    file is), so no one can pull another organization's member into their own."""
    authorize(actor, organization, Need.MANAGE)
    authorize(approved_by if approved_by is not None else actor, member.organization, Need.MANAGE)
    if member.status != Member.Status.ACTIVE:
        raise ValidationError(_("Only a member on the roll can be transferred."))
    return _member_update(actor=actor, member=member, organization=organization)
