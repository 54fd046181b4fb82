"""Writes of the joint committee: seats, deliberation, joint services, resource sharing. Each service checks its
actor itself (chuxin.core.access), whoever calls it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core import rules as rulebook
from chuxin.core.access import Need, authorize
from chuxin.core.models import IdempotencyKey
from chuxin.core.richtext import is_blank, sanitize
from chuxin.plans.services import TaskOrigin, task_create
from chuxin.records.services import record_work

from . import rules
from .access import HANDLER, OWNER, SEAT, seat_of
from .models import Booking, Comment, Proposal, Resource, Seat, ServiceRequest, Vote

P = Proposal.Status


def _person(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _take_part(actor, host, obj=None) -> None:
    authorize(actor, host, Need.READ, obj=obj if obj is not None else host, relations=(SEAT,))


# ---------------------------------------------------------------------------------------------------------------
# Seats


@transaction.atomic
def seat_add(*, actor, host, user, name: str, partner_unit=None) -> Seat:
    authorize(actor, host, Need.MANAGE)
    if partner_unit is not None and partner_unit.host_id != host.pk:
        raise ValidationError({"partner_unit": _("Choose a partner unit of this joint committee.")})
    seat = Seat.objects.filter(host=host, user=user).first() or Seat(host=host, user=user)
    seat.name, seat.partner_unit, seat.is_active = name, partner_unit, True
    seat.full_clean()
    seat.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=seat, organization=host)
    return seat


@transaction.atomic
def seat_end(*, actor, seat: Seat) -> Seat:
    authorize(actor, seat.host, Need.MANAGE)
    if seat.is_active:
        seat.is_active = False
        seat.save(update_fields=["is_active", "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=seat, organization=seat.host,
                     changes={"is_active": [True, False]})
    return seat


# ---------------------------------------------------------------------------------------------------------------
# Deliberation


@transaction.atomic
def proposal_create(*, actor, host, title: str, background: str, asks_for_work: bool = False,
                    token: str = "") -> Proposal:
    _take_part(actor, host)

    def create() -> Proposal:
        proposal = Proposal(host=host, host_path=host.path, title=title, background=sanitize(background),
                            asks_for_work=asks_for_work, proposed_by=_person(actor))
        if is_blank(proposal.background):
            raise ValidationError({"background": _("Describe the background of the proposal.")})
        proposal.full_clean()
        proposal.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=proposal, organization=host)
        return proposal

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Proposal, create=create)


@transaction.atomic
def comment_add(*, actor, proposal: Proposal, text: str, token: str = "") -> Comment:
    _take_part(actor, proposal.host, proposal)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a comment first."))
    if proposal.status == P.DECIDED:
        raise ValidationError(_("The proposal is decided; the discussion is closed."))

    def create() -> Comment:
        seat = seat_of(actor, proposal.host_id) if actor is not None else None
        name = seat.name if seat else (getattr(actor, "display_name", "") or getattr(actor, "username", "")) if actor else ""
        comment = Comment(proposal=proposal, author=_person(actor), author_name=name[:50] or "—", text=text)
        comment.full_clean()
        comment.save()
        return comment

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Comment, create=create)


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related("host").get(pk=proposal.pk)


@transaction.atomic
def voting_open(*, actor, proposal: Proposal) -> Proposal:
    authorize(actor, proposal.host, Need.MANAGE)
    proposal = _lock(proposal)
    if proposal.status == P.VOTING:
        return proposal
    if proposal.status != P.DISCUSSION:
        raise ValidationError(_("Only a proposal under discussion can be put to the vote."))
    if not Seat.objects.filter(host=proposal.host, is_active=True).exists():
        raise ValidationError(_("The joint committee has no members to vote yet."))
    proposal.status = P.VOTING
    proposal.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=proposal, organization=proposal.host,
                 changes={"status": [P.DISCUSSION, P.VOTING]})
    return proposal


@transaction.atomic
def vote_cast(*, actor, proposal: Proposal, choice: str) -> Vote:
    """One vote per member of the joint committee, changeable until the vote is closed."""
    seat = seat_of(actor, proposal.host_id) if actor is not None else None
    if seat is None:
        raise PermissionDenied
    proposal = _lock(proposal)
    if proposal.status != P.VOTING:
        raise ValidationError(_("The vote is not open."))
    if choice not in Vote.Choice.values:
        raise ValidationError(_("Choose in favour, against or abstain."))
    vote, _created = Vote.objects.update_or_create(proposal=proposal, seat=seat, defaults={"choice": choice})
    return vote


def tally(*, seats: int, yes: int, no: int, abstain: int, quorum: Decimal, majority: Decimal) -> str:
    """The outcome: no quorum unless more than `quorum` of the members voted; adopted when more than `majority`
    of those voting are in favour (an abstention is a vote cast, not a vote in favour)."""
    voting = yes + no + abstain
    if seats == 0 or Decimal(voting) <= quorum * seats:
        return Proposal.Outcome.NO_QUORUM
    return Proposal.Outcome.ADOPTED if Decimal(yes) > majority * voting else Proposal.Outcome.REJECTED


@transaction.atomic
def proposal_close(*, actor, proposal: Proposal, decision: str = "") -> Proposal:
    authorize(actor, proposal.host, Need.MANAGE)
    proposal = _lock(proposal)
    if proposal.status == P.DECIDED:
        return proposal
    if proposal.status != P.VOTING:
        raise ValidationError(_("Put the proposal to the vote before closing it."))
    counts = {c: 0 for c in Vote.Choice.values}
    for choice in Vote.objects.filter(proposal=proposal, seat__is_active=True).values_list("choice", flat=True):
        counts[choice] += 1
    seats = Seat.objects.filter(host=proposal.host, is_active=True).count()
    book = rulebook.Resolver([proposal.host.path])
    proposal.outcome = tally(seats=seats, yes=counts["yes"], no=counts["no"], abstain=counts["abstain"],
                             quorum=book.value(rules.QUORUM, proposal.host),
                             majority=book.value(rules.MAJORITY, proposal.host))
    proposal.seats_at_close, proposal.yes, proposal.no, proposal.abstain = (
        seats, counts["yes"], counts["no"], counts["abstain"])
    proposal.decision = (decision or "").strip()[:3000]
    proposal.status, proposal.decided_at = P.DECIDED, timezone.now()
    proposal.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=proposal, organization=proposal.host,
                 changes={"status": [P.VOTING, P.DECIDED], "outcome": ["", proposal.outcome]})
    record_work(kind="joint_proposal_decided", organization=proposal.host, on=proposal.decided_at, target=proposal,
                actor=actor, payload={"outcome": proposal.outcome, "yes": proposal.yes, "no": proposal.no,
                                      "abstain": proposal.abstain, "seats": seats}, label=proposal.title)
    return proposal


def proposal_task(*, actor, proposal: Proposal, plan_item, title: str, start_on: datetime.date,
                  due_on: datetime.date, token: str = ""):
    """Turn an adopted decision that asks for work into a task of the host's plan (chuxin.plans, which checks the
    actor and the dates)."""
    authorize(actor, proposal.host, Need.MANAGE)
    if proposal.outcome != Proposal.Outcome.ADOPTED or not proposal.asks_for_work:
        raise ValidationError(_("Only an adopted decision that asks for work becomes plan tasks."))
    if plan_item.plan.organization_id != proposal.host_id:
        raise ValidationError({"plan_item": _("Choose an item of the host organization's plan.")})
    origin = TaskOrigin(target=proposal, label=proposal.title, url=proposal.get_absolute_url(),
                        organization=proposal.host)
    return task_create(actor=actor, plan_item=plan_item, title=title, start_on=start_on, due_on=due_on,
                       description=proposal.decision, token=token, origin=origin)


# ---------------------------------------------------------------------------------------------------------------
# Joint services


RESEND_MINUTES = 10


@transaction.atomic
def request_file(*, host, name: str, contact: str, subject: str, text: str) -> ServiceRequest:
    """A request from the public form (no account: the form's honeypot and the rate limit guard it). The same
    request sent again within minutes (a double tap, a retry on a slow line) is the one already filed: the
    requester has no account to key it by, so its own words are the key, checked one request at a time."""
    request = ServiceRequest(host=host, host_path=host.path, name=name.strip(), contact=contact.strip(),
                             subject=subject.strip(), text=text.strip())
    request.full_clean()
    # One filing at a time per host (the latest request's row is the lock; SQLite lets one writer in anyway).
    list(ServiceRequest.objects.select_for_update().filter(host=host).order_by("-pk").values_list("pk", flat=True)[:1])
    twin = ServiceRequest.objects.filter(
        host=host, name=request.name, contact=request.contact, subject=request.subject, text=request.text,
        created_at__gte=timezone.now() - datetime.timedelta(minutes=RESEND_MINUTES)).first()
    if twin is not None:
        return twin
    request.save()
    return request


@transaction.atomic
def request_route(*, actor, asked: ServiceRequest, partner_unit, due_on: datetime.date | None = None):
    authorize(actor, asked.host, Need.MANAGE)
    asked = ServiceRequest.objects.select_for_update(of=("self",)).select_related("host").get(pk=asked.pk)
    if asked.status not in (ServiceRequest.Status.NEW, ServiceRequest.Status.ROUTED):
        raise ValidationError(_("An answered request is not routed again."))
    if partner_unit.host_id != asked.host_id or not partner_unit.is_active:
        raise ValidationError(_("Choose an active partner unit of this joint committee."))
    days = rulebook.value(rules.ANSWER_DAYS, asked.host)
    asked.partner_unit = partner_unit
    asked.due_on = due_on or timezone.localdate() + datetime.timedelta(days=days)
    asked.status, asked.routed_by = ServiceRequest.Status.ROUTED, _person(actor)
    asked.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=asked, organization=asked.host,
                 changes={"partner_unit": ["", partner_unit.name]})
    return asked


@transaction.atomic
def request_reply(*, actor, asked: ServiceRequest, reply: str) -> ServiceRequest:
    asked = ServiceRequest.objects.select_for_update(of=("self",)).select_related("host").get(pk=asked.pk)
    authorize(actor, asked.host, Need.MANAGE, obj=asked, relations=(HANDLER,))
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("Write the reply.")})
    if asked.status not in (ServiceRequest.Status.ROUTED, ServiceRequest.Status.ANSWERED):
        raise ValidationError(_("The request is answered once it has been routed to a partner unit."))
    asked.reply, asked.replied_by, asked.replied_at = reply[:3000], _person(actor), timezone.now()
    asked.status = ServiceRequest.Status.ANSWERED
    asked.full_clean()
    asked.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=asked, organization=asked.host,
                 changes={"status": [ServiceRequest.Status.ROUTED, ServiceRequest.Status.ANSWERED]})
    record_work(kind="joint_service_answered", organization=asked.host, on=asked.replied_at, target=asked,
                actor=actor, payload={"partner_unit": asked.partner_unit.name if asked.partner_unit else ""},
                label=asked.subject)
    return asked


@transaction.atomic
def request_rate(*, token: str, rating: int, feedback: str = "") -> ServiceRequest:
    """The requester's rating, through their private link (no account)."""
    request = ServiceRequest.objects.select_for_update(of=("self",)).filter(token=token).first()
    if request is None:
        raise PermissionDenied
    if request.status == ServiceRequest.Status.CLOSED:
        raise ValidationError(_("You have rated this answer already. Thank you."))
    if request.status != ServiceRequest.Status.ANSWERED:
        raise ValidationError(_("The request has not been answered yet."))
    request.rating, request.feedback = rating, (feedback or "").strip()[:1000]
    request.status, request.rated_at = ServiceRequest.Status.CLOSED, timezone.now()
    request.full_clean()
    request.save()
    return request


# ---------------------------------------------------------------------------------------------------------------
# Resource sharing


@transaction.atomic
def resource_save(*, actor, host, resource: Resource | None = None, token: str = "", **fields) -> Resource:
    """Offer a resource (or change one): the host's managers, or the members of the partner unit offering it."""
    target = resource or Resource(host=host, host_path=host.path)
    for name, value in fields.items():
        setattr(target, name, value)
    authorize(actor, host, Need.MANAGE, obj=target, relations=(OWNER,))
    if target.owner_id and target.owner.host_id != host.pk:
        raise ValidationError({"owner": _("Choose a partner unit of this joint committee.")})

    def save() -> Resource:
        created = target.pk is None
        target.full_clean()
        target.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
                     target=target, organization=host)
        return target

    if resource is not None:
        return save()
    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Resource, create=save)


def _overlapping(resource: Resource, starts_at, ends_at, *, exclude: int | None = None):
    qs = Booking.objects.filter(resource=resource, status=Booking.Status.APPROVED, starts_at__lt=ends_at,
                                ends_at__gt=starts_at)
    return qs.exclude(pk=exclude) if exclude else qs


def _check_slot(resource: Resource, starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The booking must end after it starts.")})
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if (local_start.date() != local_end.date() or local_start.time() < resource.opens_at
            or local_end.time() > resource.closes_at):
        raise ValidationError(_("%(name)s is open from %(opens)s to %(closes)s; book within those hours on one day.")
                              % {"name": resource.name, "opens": resource.opens_at.strftime("%H:%M"),
                                 "closes": resource.closes_at.strftime("%H:%M")})


def _lock_resource(resource: Resource) -> Resource:
    # One booking decision at a time per resource: PostgreSQL locks the row; SQLite lets one writer in at a time
    # (the connection's IMMEDIATE transactions). The exclusion constraint (PostgreSQL) backs it up.
    return Resource.objects.select_for_update(of=("self",)).select_related("host", "owner").get(pk=resource.pk)


@transaction.atomic
def booking_request(*, actor, resource: Resource, unit, purpose: str, starts_at, ends_at,
                    token: str = "") -> Booking:
    _take_part(actor, resource.host, resource)
    resource = _lock_resource(resource)
    if not resource.is_active:
        raise ValidationError(_("This resource is not offered at the moment."))
    if unit is not None and unit.host_id != resource.host_id:
        raise ValidationError({"unit": _("Choose a partner unit of this joint committee.")})

    def create() -> Booking:
        _check_slot(resource, starts_at, ends_at)
        if _overlapping(resource, starts_at, ends_at).exists():
            raise ValidationError(_("%(name)s is already booked at that time. Choose another time.")
                                  % {"name": resource.name})
        booking = Booking(resource=resource, requested_by=_person(actor), unit=unit, purpose=purpose.strip(),
                          starts_at=starts_at, ends_at=ends_at)
        booking.full_clean()
        booking.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=booking, organization=resource.host)
        return booking

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Booking, create=create)


def booking_decide(*, actor, booking: Booking, approve: bool) -> Booking:
    """The owner approves or refuses. Two approved bookings of one resource never overlap: checked under the
    resource's lock, and refused by the database's exclusion constraint on PostgreSQL if anything slipped by."""
    try:
        with transaction.atomic():
            return _booking_decide(actor=actor, booking=booking, approve=approve)
    except IntegrityError:
        raise ValidationError(_("%(name)s is already booked at that time.") % {"name": booking.resource.name}) from None


def _booking_decide(*, actor, booking: Booking, approve: bool) -> Booking:
    resource = _lock_resource(booking.resource)
    authorize(actor, resource.host, Need.MANAGE, obj=resource, relations=(OWNER,))
    booking = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
    target = Booking.Status.APPROVED if approve else Booking.Status.REFUSED
    if booking.status == target:
        return booking
    if booking.status != Booking.Status.REQUESTED:
        raise ValidationError(_("This booking has been decided already."))
    if approve and _overlapping(resource, booking.starts_at, booking.ends_at, exclude=booking.pk).exists():
        raise ValidationError(_("%(name)s is already booked at that time.") % {"name": resource.name})
    booking.status, booking.decided_by, booking.decided_at = target, _person(actor), timezone.now()
    booking.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=booking, organization=resource.host,
                 changes={"status": [Booking.Status.REQUESTED, target]})
    return booking


@transaction.atomic
def booking_cancel(*, actor, booking: Booking) -> Booking:
    if actor is not None and booking.requested_by_id != actor.pk:
        authorize(actor, booking.resource.host, Need.MANAGE, obj=booking.resource, relations=(OWNER,))
    if booking.status in (Booking.Status.REQUESTED, Booking.Status.APPROVED):
        booking.status = Booking.Status.CANCELLED
        booking.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=booking,
                     organization=booking.resource.host, changes={"status": ["", Booking.Status.CANCELLED]})
    return booking
