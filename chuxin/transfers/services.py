"""Writes of membership transfers. Each checks its actor and the transfer's status itself, so a page sent twice
or a forged address finds a clear refusal and nothing changed."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core import rules as core_rules
from chuxin.core.access import Need, authorize, holders
from chuxin.dues.selectors import paid_up_to
from chuxin.members.models import Member
from chuxin.members.services import member_create, member_move, member_update
from chuxin.notifications.services import notify
from chuxin.records.services import record_work

from .apps import VALID_DAYS
from .models import LetterSerial, Transfer

Status = Transfer.Status
OPEN = (Status.REQUESTED, Status.APPROVED)


def _lock(transfer: Transfer) -> Transfer:
    return Transfer.objects.select_for_update(of=("self",)).select_related(
        "member", "organization", "destination").get(pk=transfer.pk)


def _refuse_status(transfer: Transfer, *allowed: str) -> None:
    if transfer.status in allowed:
        return
    if transfer.status == Status.ACCEPTED:
        raise ValidationError(_("This transfer has already been accepted."), code="accepted")
    raise ValidationError(_("This cannot be done now: the transfer is “%(status)s”.") % {
        "status": transfer.get_status_display()}, code="status")


def transfer_request(*, actor, member: Member, kind: str, reason: str, destination=None, other_name: str = "",
                     today: datetime.date | None = None) -> Transfer:
    """The sending side starts a transfer: to an organization in the tree, or out of it by letter."""
    authorize(actor, member.organization, Need.MANAGE)
    if member.status != Member.Status.ACTIVE:
        raise ValidationError(_("Only a member on the roll can be transferred."))
    if kind == Transfer.Kind.WITHIN:
        if destination is None:
            raise ValidationError({"destination": _("Choose the receiving organization.")})
        if destination.pk == member.organization_id:
            raise ValidationError({"destination": _("The member already belongs to this organization.")})
        other_name = ""
    elif kind == Transfer.Kind.OUT:
        if not other_name.strip():
            raise ValidationError({"other_name": _("Enter the receiving organization's name.")})
        destination = None
    else:
        raise ValidationError(_("Choose where the member goes."))
    transfer = Transfer(kind=kind, member=member, organization=member.organization,
                        organization_path=member.organization.path, destination=destination,
                        destination_path=destination.path if destination else "", other_name=other_name.strip(),
                        reason=reason.strip(), requested_on=today or timezone.localdate(),
                        requested_by=actor if getattr(actor, "pk", None) else None)
    transfer.full_clean(exclude=["member"])
    try:
        with transaction.atomic():
            if Transfer.objects.filter(member=member, status__in=OPEN).exists():
                raise ValidationError(_("This member already has a transfer under way."))
            transfer.save()
            audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=transfer,
                         organization=transfer.organization)
    except IntegrityError as exc:  # the same request sent twice at once
        raise ValidationError(_("This member already has a transfer under way.")) from exc
    return transfer


def _next_letter_number(year: int) -> str:
    """Year + serial, one at a time: the year's counter row is locked while a letter takes the next number."""
    LetterSerial.objects.get_or_create(year=year)
    serial = LetterSerial.objects.select_for_update().get(year=year)
    serial.last += 1
    serial.save(update_fields=["last"])
    return f"{year}-{serial.last:04d}"


def transfer_approve(*, actor, transfer: Transfer, valid_days: int | None = None,
                     dues_paid_to: datetime.date | None = None, today: datetime.date | None = None) -> Transfer:
    """The sending side approves. A letter out of the tree gets its number, date, validity and the month dues are
    paid up to; within the tree the receiving side is told. The member stays with the sending organization."""
    authorize(actor, transfer.organization, Need.MANAGE)
    today = today or timezone.localdate()
    with transaction.atomic():
        transfer = _lock(transfer)
        _refuse_status(transfer, Status.REQUESTED)
        if transfer.kind == Transfer.Kind.OUT:
            if dues_paid_to is None:
                # Collected once: the dues ledger knows the last month paid with every month before it.
                dues_paid_to = paid_up_to(transfer.member)
            if dues_paid_to is None:
                raise ValidationError({"dues_paid_to": _("Enter the month dues are paid up to.")})
            transfer.valid_days = valid_days or core_rules.value(VALID_DAYS, transfer.organization)
            transfer.dues_paid_to = dues_paid_to.replace(day=1)
            transfer.letter_on = today
            transfer.letter_number = _next_letter_number(today.year)
        transfer.status = Status.APPROVED
        transfer.approved_on, transfer.approved_by = today, actor if getattr(actor, "pk", None) else None
        transfer.full_clean(exclude=["member"])
        transfer.save()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=transfer,
                     organization=transfer.organization, changes={"status": ["requested", "approved"]})
        if transfer.destination_id:
            for user in holders(transfer.destination, Need.MANAGE, inherited=True, serving=True)[:20]:
                notify(recipient=user, kind="assigned", target=transfer,
                       title=gettext_noop("A member transfers to %(org)s: %(name)s, to accept"),
                       params={"org": transfer.destination.name, "name": transfer.member.name},
                       url=f"/transfers/{transfer.pk}/")
    return transfer


def transfer_accept(*, actor, transfer: Transfer, today: datetime.date | None = None) -> Transfer:
    """The receiving side accepts: the member file moves, with its history, and the transfer is complete."""
    if transfer.destination is None:
        raise ValidationError(_("Only a transfer within the platform is accepted here."))
    authorize(actor, transfer.destination, Need.MANAGE)
    today = today or timezone.localdate()
    with transaction.atomic():
        transfer = _lock(transfer)
        _refuse_status(transfer, Status.APPROVED)
        member_move(actor=actor, member=transfer.member, organization=transfer.destination,
                    approved_by=transfer.approved_by)
        transfer.status = Status.ACCEPTED
        transfer.accepted_on, transfer.accepted_by = today, actor if getattr(actor, "pk", None) else None
        transfer.save()
        record_work(kind="member_transferred", organization=transfer.destination, on=today, target=transfer,
                    actor=actor, members=[transfer.member], payload={"kind": transfer.kind},
                    label=f"{transfer.member.name}: {transfer.organization.name} → {transfer.destination.name}",
                    url=f"/transfers/{transfer.pk}/")
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=transfer,
                     organization=transfer.destination, changes={"status": ["approved", "accepted"]})
    return transfer


def transfer_refuse(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """The side whose turn it is refuses, with the reason (the 2019 rules forbid refusing without one)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    with transaction.atomic():
        transfer = _lock(transfer)
        _refuse_status(transfer, *OPEN)
        side = transfer.organization if transfer.status == Status.REQUESTED else transfer.destination
        if side is None:  # a letter out: nobody here refuses once it is issued
            raise ValidationError(_("This cannot be done now: the transfer is “%(status)s”.") % {
                "status": transfer.get_status_display()})
        authorize(actor, side, Need.MANAGE)
        before = transfer.status
        transfer.status, transfer.refusal = Status.REFUSED, reason.strip()[:200]
        transfer.save()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=transfer, organization=side,
                     changes={"status": [before, "refused"], "refusal": ["", transfer.refusal]})
    return transfer


def transfer_withdraw(*, actor, transfer: Transfer) -> Transfer:
    authorize(actor, transfer.organization, Need.MANAGE)
    with transaction.atomic():
        transfer = _lock(transfer)
        _refuse_status(transfer, *OPEN)
        before = transfer.status
        transfer.status = Status.WITHDRAWN
        transfer.save()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=transfer,
                     organization=transfer.organization, changes={"status": [before, "withdrawn"]})
    return transfer


def transfer_return_slip(*, actor, transfer: Transfer, on: datetime.date) -> Transfer:
    """The letter's return slip came back: the receiving organization has the member; they leave our roll."""
    authorize(actor, transfer.organization, Need.MANAGE)
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    with transaction.atomic():
        transfer = _lock(transfer)
        if transfer.kind != Transfer.Kind.OUT:
            raise ValidationError(_("Only an introduction letter has a return slip."))
        if transfer.status == Status.RETURNED:
            raise ValidationError(_("The return slip has already been recorded."))
        _refuse_status(transfer, Status.APPROVED)
        if transfer.letter_on and on < transfer.letter_on:
            raise ValidationError({"on": _("The return slip cannot come back before the letter was issued.")})
        member_update(actor=actor, member=transfer.member, status=Member.Status.TRANSFERRED_OUT)
        transfer.status, transfer.return_slip_on = Status.RETURNED, on
        transfer.save()
        record_work(kind="member_transferred", organization=transfer.organization, on=on, target=transfer,
                    actor=actor, members=[transfer.member], payload={"kind": transfer.kind},
                    label=f"{transfer.member.name} → {transfer.other_name}", url=f"/transfers/{transfer.pk}/")
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=transfer,
                     organization=transfer.organization, changes={"status": ["approved", "returned"]})
    return transfer


def incoming_register(*, actor, organization, other_name: str, letter_number: str, letter_on: datetime.date,
                      dues_paid_to: datetime.date | None, citizen_id_number: str, today: datetime.date | None = None,
                      **fields: Any) -> Transfer:
    """A member coming from outside the platform, registered from their introduction letter: the member file is
    made in `organization` and the letter is recorded as accepted. A letter is accepted once."""
    authorize(actor, organization, Need.MANAGE)
    other_name, letter_number = other_name.strip(), letter_number.strip()
    today = today or timezone.localdate()
    if letter_on > today:
        raise ValidationError({"letter_on": _("The letter's date cannot be in the future.")})

    def refused() -> ValidationError:
        return ValidationError({"letter_number": _("This letter has already been accepted: a letter is accepted "
                                                   "once.")}, code="twice")

    if Transfer.objects.filter(kind=Transfer.Kind.IN, other_name=other_name, letter_number=letter_number).exists():
        raise refused()
    try:
        with transaction.atomic():
            member = member_create(actor=actor, organization=organization, citizen_id_number=citizen_id_number,
                                   **fields)
            transfer = Transfer(kind=Transfer.Kind.IN, status=Status.ACCEPTED, member=member,
                                organization=organization, organization_path=organization.path,
                                destination=organization, destination_path=organization.path,
                                other_name=other_name, letter_number=letter_number, letter_on=letter_on,
                                dues_paid_to=dues_paid_to.replace(day=1) if dues_paid_to else None,
                                reason=_("Registered from an introduction letter"), requested_on=today,
                                accepted_on=today, accepted_by=actor if getattr(actor, "pk", None) else None)
            transfer.full_clean(exclude=["member"])
            with transaction.atomic():
                transfer.save()
            record_work(kind="member_transferred", organization=organization, on=today, target=transfer,
                        actor=actor, members=[member], payload={"kind": transfer.kind},
                        label=f"{member.name} ← {other_name}", url=f"/transfers/{transfer.pk}/")
            audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=transfer, organization=organization)
    except IntegrityError as exc:  # the same letter registered twice at once
        raise refused() from exc
    return transfer
