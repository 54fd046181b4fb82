"""Writes for activities and micro-wishes.

Each service checks its actor (chuxin.core.access.authorize, with the personal relations of access.py), validates,
writes in a transaction with its audit entry, and tells people once the write has committed.

No overbooking: every change to who holds a place (sign-up, withdrawal, a new capacity) locks the activity's row
first, so concurrent sign-ups for the last place are served one after the other and the second one finds the
activity full and goes to the waiting list. A claim locks the wish's row the same way: a second claim is refused.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import ROUND_FLOOR, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core import rules as core_rules
from chuxin.core.access import Need, Relation, authorize
from chuxin.core.models import IdempotencyKey
from chuxin.meetings import checkin as codes
from chuxin.members.models import Member
from chuxin.notifications.services import notify
from chuxin.orgs.models import Organization, PartnerUnit
from chuxin.records.services import record_work

from .access import CLAIMER, ELIGIBLE, SELF
from .apps import HOURS_STEP
from .models import Activity, Participant, Wish, token_hash

Status = Activity.Status
State = Participant.State
# The rotating check-in codes are the meetings' (chuxin.meetings.checkin); an activity's codes are made for an
# id in a space of its own, so a meeting's code never checks anyone in to the activity with the same number.
CODE_SPACE = 10**12
CHECKIN_EARLY = datetime.timedelta(hours=1)  # check-in opens this long before the start


def code_id(activity: Activity) -> int:
    return CODE_SPACE + activity.pk


def _member(actor) -> Member | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return Member.objects.filter(user=actor, status=Member.Status.ACTIVE).select_related("organization").first()


def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update(of=("self",)).select_related("organization").get(pk=activity.pk)


def _when(activity: Activity) -> str:
    return f"{timezone.localtime(activity.starts_at):%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------------------------------------------------------
# Activities


FIELDS = ("kind", "title", "place", "starts_at", "ends_at", "capacity", "description")


def _partners(organization: Organization, partners) -> list[PartnerUnit]:
    """Co-organizers are active partner units of the organizer or of an organization above it (the joint
    committee of a community's Party committee serves its branches)."""
    chosen = list(partners or [])
    for unit in chosen:
        if not unit.is_active or not organization.path.startswith(unit.host.path):
            raise ValidationError({"partners": _("%(unit)s is not a partner unit of %(org)s.") % {
                "unit": unit.name, "org": organization.name}})
    return chosen


def _check(activity: Activity) -> None:
    if activity.starts_at and activity.ends_at and activity.ends_at <= activity.starts_at:
        raise ValidationError({"ends_at": _("The end must come after the start.")})
    if activity.starts_at and activity.ends_at and activity.ends_at - activity.starts_at > datetime.timedelta(days=7):
        raise ValidationError({"ends_at": _("An activity lasts at most seven days; make one for each part.")})
    activity.full_clean(exclude=["organization_path", "partners"])


@transaction.atomic
def activity_create(*, actor, organization: Organization, kind: str, title: str, place: str,
                    starts_at: datetime.datetime, ends_at: datetime.datetime, capacity: int,
                    description: str = "", partners=(), token: str = "") -> Activity:
    """An activity of `organization`, open for sign-up by the members of its subtree. Sent twice, made once."""
    authorize(actor, organization, Need.MANAGE)

    def create() -> Activity:
        if not organization.is_active:
            raise ValidationError(_("The organization is deactivated."))
        units = _partners(organization, partners)
        activity = Activity(organization=organization, organization_path=organization.path, kind=kind,
                            title=(title or "").strip(), place=(place or "").strip(), starts_at=starts_at,
                            ends_at=ends_at, capacity=capacity, description=(description or "").strip(),
                            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        _check(activity)
        activity.save()
        activity.partners.set(units)
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=activity, organization=organization)
        return activity

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Activity, create=create)


def _promote(activity: Activity) -> list[Participant]:
    """Fill free places from the waiting list, first come first served (the activity's row is locked)."""
    free = activity.capacity - activity.participants.filter(state=State.SIGNED_UP).count()
    if free <= 0:
        return []
    moved = list(activity.participants.filter(state=State.WAITING).select_related("member__user")
                 .order_by("queued_at", "pk")[:free])
    now = timezone.now()
    for row in moved:
        row.state, row.promoted_at = State.SIGNED_UP, now
        row.save(update_fields=["state", "promoted_at", "updated_at"])
    if moved:
        params = {"title": activity.title, "when": _when(activity)}
        url = activity.get_absolute_url()
        transaction.on_commit(lambda: [
            notify(recipient=row.member.user, kind="assigned", target=activity, url=url, params=params,
                   dedup_key=f"promoted:{row.pk}:{now:%Y%m%d%H%M%S}",
                   title=gettext_noop("You have a place at %(title)s (%(when)s): you moved up from the waiting "
                                      "list.")) for row in moved])
    return moved


@transaction.atomic
def activity_update(*, actor, activity: Activity, partners=None, **fields) -> Activity:
    """Change an open activity. A smaller capacity may not drop anyone already signed up; a larger one moves
    the waiting list up."""
    authorize(actor, activity.organization, Need.MANAGE)
    activity = _locked(activity)
    if not activity.is_open:
        raise ValidationError(_("A closed or cancelled activity cannot change."))
    before = {name: getattr(activity, name) for name in FIELDS}
    for name, value in fields.items():
        if name not in FIELDS:
            raise TypeError(name)
        setattr(activity, name, value.strip() if isinstance(value, str) else value)
    signed = activity.participants.filter(state=State.SIGNED_UP).count()
    if activity.capacity is not None and activity.capacity < signed:
        raise ValidationError({"capacity": _("%(n)s people have already signed up: the activity needs at least "
                                             "that many places.") % {"n": signed}})
    _check(activity)
    activity.save()
    if partners is not None:
        activity.partners.set(_partners(activity.organization, partners))
    changes = {name: [str(before[name]), str(getattr(activity, name))] for name in FIELDS
               if before[name] != getattr(activity, name)}
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=activity, organization=activity.organization,
                 changes=changes)
    _promote(activity)
    return activity


@transaction.atomic
def activity_cancel(*, actor, activity: Activity) -> Activity:
    """Call an open activity off before anyone has checked in; those signed up and waiting are told."""
    authorize(actor, activity.organization, Need.MANAGE)
    activity = _locked(activity)
    if activity.status == Status.CANCELLED:
        return activity
    if not activity.is_open:
        raise ValidationError(_("A closed activity cannot be cancelled."))
    if activity.participants.filter(checked_in_at__isnull=False).exists():
        raise ValidationError(_("People have already checked in: close the activity instead."))
    activity.status, activity.checkin_open = Status.CANCELLED, False
    activity.save(update_fields=["status", "checkin_open", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=activity, organization=activity.organization,
                 changes={"status": [Status.OPEN, Status.CANCELLED]})
    told = [row.member.user for row in activity.participants.filter(state__in=[State.SIGNED_UP, State.WAITING])
            .select_related("member__user") if row.member.user_id]
    params = {"title": activity.title, "when": _when(activity)}
    transaction.on_commit(lambda: [
        notify(recipient=user, kind="withdrawn", target=activity, url=activity.get_absolute_url(), actor=actor,
               params=params, title=gettext_noop("Activity cancelled: %(title)s (%(when)s)")) for user in told])
    return activity


# --- sign-up and the waiting list ------------------------------------------------------------------------------


@transaction.atomic
def participant_signup(*, actor, activity: Activity) -> Participant:
    """The actor signs up: a place while there is one, else the waiting list. Signing up again changes nothing."""
    authorize(actor, activity.organization, Need.PUBLIC, obj=activity, relations=[ELIGIBLE])
    member = _member(actor)
    if member is None or not member.organization.path.startswith(activity.organization_path):
        raise ValidationError(_("Only members of %(org)s and the organizations under it can sign up.") % {
            "org": activity.organization.name})
    activity = _locked(activity)  # one sign-up at a time per activity: nobody takes a place twice
    if not activity.is_open:
        raise ValidationError(_("This activity is closed or cancelled."))
    if activity.has_started:
        raise ValidationError(_("Sign-up has closed: the activity has begun."))
    row = Participant.objects.filter(activity=activity, member=member).first()
    if row is not None and row.state in (State.SIGNED_UP, State.WAITING):
        return row
    signed = activity.participants.filter(state=State.SIGNED_UP).count()
    waiting = activity.participants.filter(state=State.WAITING).exists()
    state = State.SIGNED_UP if signed < activity.capacity and not waiting else State.WAITING
    now = timezone.now()
    if row is None:
        row = Participant.objects.create(activity=activity, member=member, state=state, queued_at=now)
    else:  # signed up again after withdrawing: at the end of the queue
        row.state, row.queued_at, row.promoted_at = state, now, None
        row.save(update_fields=["state", "queued_at", "promoted_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=row, organization=activity.organization,
                 changes={"state": ["", state]})
    return row


@transaction.atomic
def participant_withdraw(*, actor, participant: Participant) -> Participant:
    """The participant (or the organizer) withdraws before the start; a place set free goes to the first
    person waiting, who is told."""
    activity = participant.activity
    authorize(actor, activity.organization, Need.MANAGE, obj=participant, relations=[SELF.granting(Need.MANAGE)])
    activity = _locked(activity)
    row = Participant.objects.select_related("member").get(pk=participant.pk)
    if row.state == State.WITHDRAWN:
        return row
    if not activity.is_open or activity.has_started:
        raise ValidationError(_("The activity has begun: ask the organizer instead of withdrawing."))
    before = row.state
    row.state, row.promoted_at = State.WITHDRAWN, None
    row.save(update_fields=["state", "promoted_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=row, organization=activity.organization,
                 changes={"state": [before, State.WITHDRAWN]})
    if before == State.SIGNED_UP:
        _promote(activity)
    return row


# --- check-in, check-out and hours ---------------------------------------------------------------------------


def hours_between(start: datetime.datetime, end: datetime.datetime, organization: Organization) -> Decimal:
    """Service hours from check-in to check-out, rounded down to the rule's step, at most 24."""
    step = Decimal(str(core_rules.Resolver([organization.path]).value(HOURS_STEP, organization)))
    raw = Decimal((end - start).total_seconds()) / Decimal(3600)
    counted = (raw / step).to_integral_value(rounding=ROUND_FLOOR) * step if step > 0 else raw
    return min(max(counted, Decimal(0)), Decimal(24)).quantize(Decimal("0.1"))


def _checkable(activity: Activity, row: Participant) -> None:
    if not activity.is_open:
        raise ValidationError(_("This activity is closed or cancelled."))
    if row.state != State.SIGNED_UP:
        raise ValidationError(_("%(name)s has no place at this activity.") % {"name": row.member.name})
    if timezone.now() < activity.starts_at - CHECKIN_EARLY:
        raise ValidationError(_("Check-in opens an hour before the activity begins."))


def _check_in(activity: Activity, row: Participant, actor) -> Participant:
    _checkable(activity, row)
    if row.checked_in_at is None:
        row.checked_in_at = timezone.now()
        row.save(update_fields=["checked_in_at", "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=row, organization=activity.organization,
                     changes={"checked_in_at": ["", f"{timezone.localtime(row.checked_in_at):%Y-%m-%d %H:%M}"]})
    return row


def _check_out(activity: Activity, row: Participant, actor) -> Participant:
    _checkable(activity, row)
    if row.checked_in_at is None:
        raise ValidationError(_("%(name)s has not checked in: check in first, then out.") % {"name": row.member.name})
    if row.checked_out_at is None:
        row.checked_out_at = max(timezone.now(), row.checked_in_at)
        if not row.hours_note:  # hours the organizer set by hand stay as they are
            row.hours = hours_between(row.checked_in_at, row.checked_out_at, activity.organization)
        row.save(update_fields=["checked_out_at", "hours", "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=row, organization=activity.organization,
                     changes={"checked_out_at": ["", f"{timezone.localtime(row.checked_out_at):%Y-%m-%d %H:%M}"],
                              "hours": ["", str(row.hours)]})
    return row


def _row_locked(participant: Participant) -> tuple[Activity, Participant]:
    activity = _locked(participant.activity)
    return activity, Participant.objects.select_related("member").get(pk=participant.pk)


@transaction.atomic
def participant_check_in(*, actor, participant: Participant) -> Participant:
    authorize(actor, participant.activity.organization, Need.MANAGE)
    activity, row = _row_locked(participant)
    return _check_in(activity, row, actor)


@transaction.atomic
def participant_check_out(*, actor, participant: Participant) -> Participant:
    authorize(actor, participant.activity.organization, Need.MANAGE)
    activity, row = _row_locked(participant)
    return _check_out(activity, row, actor)


@transaction.atomic
def checkin_toggle(*, actor, activity: Activity, open_: bool) -> Activity:
    authorize(actor, activity.organization, Need.MANAGE)
    activity = _locked(activity)
    if open_ and not activity.is_open:
        raise ValidationError(_("This activity is closed or cancelled."))
    if activity.checkin_open != open_:
        activity.checkin_open = open_
        activity.save(update_fields=["checkin_open", "updated_at"])
    return activity


CHECKIN_REFUSALS = {
    "stale": gettext_noop("This code has expired: codes change every 30 seconds. Scan or type the code on the "
                          "screen now."),
    "other_meeting": gettext_noop("This code belongs to another activity."),
    "invalid": gettext_noop("This is not the activity's current code. Scan or type the code on the screen now."),
}


@transaction.atomic
def participant_self_check(*, actor, activity: Activity, code: str, out: bool = False,
                           now: float | None = None) -> Participant:
    """A participant checks themselves in (or out) with the rotating code on the organizer's screen."""
    member = _member(actor)
    if member is None:
        raise PermissionDenied
    activity = _locked(activity)
    if not activity.is_open or not activity.checkin_open:
        raise ValidationError(_("Self check-in is not open for this activity; the organizer checks people in."))
    verdict = codes.check(code_id(activity), code, now)
    if not verdict.ok:
        raise ValidationError(_(CHECKIN_REFUSALS[verdict.reason]))
    row = Participant.objects.select_related("member").filter(activity=activity, member=member).first()
    if row is None or row.state != State.SIGNED_UP:
        raise ValidationError(_("You have no place at this activity; ask the organizer."))
    return _check_out(activity, row, actor) if out else _check_in(activity, row, actor)


@transaction.atomic
def participant_hours_set(*, actor, participant: Participant, hours: Decimal, note: str) -> Participant:
    """The organizer corrects a participant's hours, saying why (forgot to check out, left early)."""
    authorize(actor, participant.activity.organization, Need.MANAGE)
    activity, row = _row_locked(participant)
    if not activity.is_open:
        raise ValidationError(_("The activity is closed: its hours are on record."))
    if row.state != State.SIGNED_UP:
        raise ValidationError(_("%(name)s has no place at this activity.") % {"name": row.member.name})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the hours change.")})
    if hours is None or not Decimal(0) <= Decimal(hours) <= Decimal(24):
        raise ValidationError({"hours": _("Enter hours between 0 and 24.")})
    before = row.hours
    row.hours, row.hours_note = Decimal(hours).quantize(Decimal("0.1")), note[:200]
    row.hours_by = actor if getattr(actor, "is_authenticated", False) else None
    row.save(update_fields=["hours", "hours_note", "hours_by", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=row, organization=activity.organization,
                 changes={"hours": [str(before or ""), str(row.hours)], "note": ["", row.hours_note]})
    return row


@transaction.atomic
def activity_close(*, actor, activity: Activity) -> Activity:
    """Close a held activity: its hours go on record, one work record per participant with hours (their member
    file's volunteer hours) and one for the activity (the reports' count). Nothing changes afterwards."""
    authorize(actor, activity.organization, Need.MANAGE)
    activity = _locked(activity)
    if activity.status == Status.CLOSED:
        return activity
    if not activity.is_open:
        raise ValidationError(_("A cancelled activity cannot be closed."))
    if not activity.has_started:
        raise ValidationError(_("The activity has not begun yet."))
    rows = list(activity.participants.filter(state=State.SIGNED_UP).select_related("member__user"))
    pending = [row.member.name for row in rows if row.checked_in_at and row.hours is None]
    if pending:
        raise ValidationError(_("Check these participants out or set their hours first: %(names)s.") % {
            "names": "、".join(pending)})
    served = [row for row in rows if row.hours]
    total = sum((row.hours for row in served), Decimal(0))
    on = timezone.localtime(activity.starts_at).date()
    for row in served:
        record_work(kind="activity_served", organization=activity.organization, on=on, target=row, actor=actor,
                    users=[row.member.user] if row.member.user_id else [], members=[row.member],
                    label=activity.title, url=activity.get_absolute_url(),
                    payload={"kind": activity.kind, "hours": str(row.hours)})
    record_work(kind="activity_held", organization=activity.organization, on=on, target=activity, actor=actor,
                users=[row.member.user for row in served if row.member.user_id],
                members=[row.member for row in served], label=activity.title,
                payload={"kind": activity.kind, "participants": len(served), "hours": str(total)})
    activity.status, activity.checkin_open = Status.CLOSED, False
    activity.closed_at = timezone.now()
    activity.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    activity.save(update_fields=["status", "checkin_open", "closed_at", "closed_by", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=activity, organization=activity.organization,
                 changes={"status": [Status.OPEN, Status.CLOSED], "hours": ["", str(total)]})
    return activity


# ---------------------------------------------------------------------------------------------------------------
# Micro-wishes


WishState = Wish.State
TWIN_WINDOW = datetime.timedelta(minutes=10)


def wish_token() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def wish_submit(*, organization: Organization, name: str, contact: str, who: str, text: str) -> tuple[Wish, str]:
    """A wish posted through the public form, without login. Returns the wish and its private link's token,
    shown once to the wisher (only its hash is kept)."""
    if not organization.is_active:
        raise ValidationError({"organization": _("This organization does not take wishes.")})
    token = wish_token()
    twin = Wish.objects.select_for_update().filter(
        organization=organization, text=(text or "").strip(), wisher_contact=(contact or "").strip(),
        state=WishState.SUBMITTED, created_at__gte=timezone.now() - TWIN_WINDOW).first()
    if twin is not None:
        # The same wish sent again (a double tap, a retry on a slow line): kept once. Its link is the one of the
        # last sending, the page the person actually sees.
        twin.token_hash = token_hash(token)
        twin.save(update_fields=["token_hash", "updated_at"])
        return twin, token
    wish = Wish(organization=organization, organization_path=organization.path, wisher_name=(name or "").strip(),
                wisher_contact=(contact or "").strip(), who=who, text=(text or "").strip(),
                token_hash=token_hash(token))
    wish.full_clean(exclude=["organization_path", "token_hash"])
    wish.save()
    audit_record(actor=None, action=AuditEntry.Action.CREATE, target=wish, organization=organization)
    return wish, token


def _locked_wish(wish: Wish) -> Wish:
    return Wish.objects.select_for_update(of=("self",)).select_related("organization", "claimed_by__user").get(
        pk=wish.pk)


@transaction.atomic
def wish_review(*, actor, wish: Wish, publish: bool, reason: str = "") -> Wish:
    """The organization publishes a wish on its public list, or declines it with a reason the wisher reads."""
    authorize(actor, wish.organization, Need.MANAGE)
    wish = _locked_wish(wish)
    if wish.state != WishState.SUBMITTED:
        raise ValidationError(_("This wish has already been reviewed."))
    reason = (reason or "").strip()
    if not publish and not reason:
        raise ValidationError({"reason": _("Give the reason: the person who made the wish reads it.")})
    wish.state = WishState.PUBLISHED if publish else WishState.DECLINED
    wish.decline_reason = "" if publish else reason[:300]
    wish.reviewed_by, wish.reviewed_at = actor if getattr(actor, "is_authenticated", False) else None, timezone.now()
    wish.save(update_fields=["state", "decline_reason", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=wish, organization=wish.organization,
                 changes={"state": [WishState.SUBMITTED, wish.state]})
    return wish


@transaction.atomic
def wish_claim(*, actor, wish: Wish) -> Wish:
    """A member of the organization's subtree takes the wish on. Two claims at once: the second is refused."""
    authorize(actor, wish.organization, Need.PUBLIC, obj=wish, relations=[ELIGIBLE])
    member = _member(actor)
    if member is None or not member.organization.path.startswith(wish.organization_path):
        raise ValidationError(_("Only members of %(org)s and the organizations under it can claim its wishes.") % {
            "org": wish.organization.name})
    wish = _locked_wish(wish)
    if wish.claimed_by_id == member.pk and wish.state == WishState.CLAIMED:
        return wish
    if wish.state in (WishState.CLAIMED, WishState.FULFILLED, WishState.CLOSED):
        raise ValidationError(_("This wish has already been claimed by another member."))
    if wish.state != WishState.PUBLISHED:
        raise ValidationError(_("This wish is not open for claiming."))
    wish.state, wish.claimed_by, wish.claimed_at = WishState.CLAIMED, member, timezone.now()
    wish.save(update_fields=["state", "claimed_by", "claimed_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=wish, organization=wish.organization,
                 changes={"state": [WishState.PUBLISHED, WishState.CLAIMED]})
    return wish


CLAIMER_OR_MANAGER: list[Relation] = [CLAIMER.granting(Need.MANAGE)]


@transaction.atomic
def wish_release(*, actor, wish: Wish) -> Wish:
    """The claimer (or the organization) gives a claimed wish back to the public list for another member."""
    wish = _locked_wish(wish)  # the claimer as it stands now, not as the caller last read it
    authorize(actor, wish.organization, Need.MANAGE, obj=wish, relations=CLAIMER_OR_MANAGER)
    if wish.state != WishState.CLAIMED:
        raise ValidationError(_("Only a claimed wish can be given back."))
    wish.state, wish.claimed_by, wish.claimed_at = WishState.PUBLISHED, None, None
    wish.save(update_fields=["state", "claimed_by", "claimed_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=wish, organization=wish.organization,
                 changes={"state": [WishState.CLAIMED, WishState.PUBLISHED]})
    return wish


@transaction.atomic
def wish_fulfil(*, actor, wish: Wish, note: str) -> Wish:
    """The claimer records what was done; the wish waits for the wisher's feedback. One work record, for the
    member and the organization."""
    wish = _locked_wish(wish)  # the claimer as it stands now, not as the caller last read it
    authorize(actor, wish.organization, Need.MANAGE, obj=wish, relations=CLAIMER_OR_MANAGER)
    if wish.state != WishState.CLAIMED:
        if wish.state in (WishState.FULFILLED, WishState.CLOSED):
            raise ValidationError(_("This wish has already been fulfilled."))
        raise ValidationError(_("Claim the wish first."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done.")})
    wish.state, wish.fulfilment_note, wish.fulfilled_at = WishState.FULFILLED, note[:1000], timezone.now()
    wish.save(update_fields=["state", "fulfilment_note", "fulfilled_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=wish, organization=wish.organization,
                 changes={"state": [WishState.CLAIMED, WishState.FULFILLED]})
    claimer = wish.claimed_by
    record_work(kind="wish_fulfilled", organization=wish.organization, on=timezone.localdate(), target=wish,
                actor=actor, users=[claimer.user] if claimer.user_id else [], members=[claimer],
                label=_("Micro-wish: %(wish)s") % {"wish": wish.short}, payload={})
    return wish


@transaction.atomic
def wish_feedback(*, wish: Wish, rating: int, text: str = "") -> Wish:
    """The wisher, through their private link, rates the fulfilment and says a word: the wish is closed. The
    member who fulfilled it is told."""
    wish = _locked_wish(wish)
    if wish.state == WishState.CLOSED:
        raise ValidationError(_("You have already given your feedback. Thank you."))
    if wish.state != WishState.FULFILLED:
        raise ValidationError(_("Feedback is given once the wish has been fulfilled."))
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("Choose from 1 to 5.")})
    wish.state, wish.rating, wish.feedback, wish.feedback_at = WishState.CLOSED, rating, (text or "").strip(), \
        timezone.now()
    wish.full_clean(exclude=["organization_path", "token_hash"])
    wish.save(update_fields=["state", "rating", "feedback", "feedback_at", "updated_at"])
    audit_record(actor=None, action=AuditEntry.Action.UPDATE, target=wish, organization=wish.organization,
                 changes={"state": [WishState.FULFILLED, WishState.CLOSED]})
    claimer = wish.claimed_by
    if claimer is not None and claimer.user_id:
        url = reverse("activities:wish", args=[wish.pk])
        transaction.on_commit(lambda: notify(
            recipient=claimer.user, kind="accepted", target=wish, url=url, params={"wish": wish.short},
            title=gettext_noop("Feedback on the wish you fulfilled: %(wish)s")))
    return wish
