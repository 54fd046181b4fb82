"""Writes for organizational life: plan and convene, attendance and leave, check-in, resolutions, finalize and
amend, review, exempt periods, standing arrangements, and the life meeting's preparation and rectification.

Each service checks its actor (chuxin.core.access.authorize, with the recorder's and host's relations where they
act), validates, writes in a transaction with its audit entry, and tells people once the write has committed. A
finalized meeting writes its work records (chuxin.records), which tick the responsibility duties, feed the
periodic reports and carry the study hours of the members present.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core import richtext
from chuxin.core import rules as core_rules
from chuxin.core.access import Need, authorize
from chuxin.core.attachments import attachment_delete, attachments_save
from chuxin.core.models import IdempotencyKey
from chuxin.core.paths import subtree_q
from chuxin.members.models import Member
from chuxin.notifications.services import notify
from chuxin.orgs.models import Organization, Position
from chuxin.plans.services import TaskOrigin, task_create
from chuxin.records.services import record_work

from . import checkin as codes
from . import rules
from .access import HOST, RECORDER
from .apps import FREQUENCY, REVIEW_ENABLED
from .models import (
    Arrangement,
    Attendance,
    Criticism,
    Kind,
    LeaveRequest,
    LifePreparation,
    Meeting,
    MeetingAttachment,
    MinutesRevision,
    PeriodExemption,
    Rectification,
    Resolution,
)

State = Attendance.State
Status = Meeting.Status
MARKABLE = (State.PRESENT, State.LATE, State.LEAVE, State.ABSENT, State.EXEMPT, State.ELSEWHERE)


def _today() -> datetime.date:
    return timezone.localdate()


def frequency(kind: str, organization: Organization, resolver: core_rules.Resolver | None = None) -> str:
    """The organization's frequency for a kind (its own setting, the nearest ancestor's, else the default)."""
    code = FREQUENCY.get(kind)
    if code is None:
        return "none"
    return (resolver or core_rules.Resolver([organization.path])).value(code, organization)


def _period(kind: str, organization: Organization, day: datetime.date) -> str:
    freq = frequency(kind, organization)
    return rules.period_of(day, "yearly" if freq == "none" else freq)


def _number(meeting: Meeting) -> int:
    others = Meeting.objects.filter(organization=meeting.organization, kind=meeting.kind, period=meeting.period) \
        .exclude(status=Status.CANCELLED).exclude(pk=meeting.pk)
    if meeting.planned_at is not None:
        others = others.filter(planned_at__lt=meeting.planned_at)
    return others.count() + 1


def _people(actor, meeting: Meeting) -> None:
    """The host, recorder and lecturer on file are members of the organization (for a Party group, of its
    branch: the group leader's file may sit in the branch)."""
    org = meeting.organization
    where = org.parent.path if org.kind == Organization.Kind.PARTY_GROUP and org.parent_id else org.path
    errors = {}
    for field in ("host", "recorder", "lecturer"):
        person = getattr(meeting, field)
        if person is not None and not person.organization.path.startswith(where):
            errors[field] = _("%(name)s is not a member of %(org)s.") % {"name": person.name, "org": org.name}
    if errors:
        raise ValidationError(errors)


def _check_makeup(meeting: Meeting, makes_up: str) -> None:
    try:
        start, end = rules.period_bounds(makes_up)
    except ValueError:
        raise ValidationError({"makes_up": _("Choose a period from the list.")}) from None
    freq = frequency(meeting.kind, meeting.organization)
    if rules.period_frequency(makes_up) != freq:
        raise ValidationError({"makes_up": _("A make-up meeting makes up a period of the kind's frequency.")})
    if end >= timezone.localtime(meeting.planned_at).date():
        raise ValidationError({"makes_up": _("Only a period that has closed before the meeting can be made up.")})


# ---------------------------------------------------------------------------------------------------------------
# Plan and convene


FIELDS = ("kind", "title", "topics", "planned_at", "place", "online", "host", "recorder", "lecturer",
          "lecturer_name", "superior_attending", "is_election", "study_hours")


@transaction.atomic
def meeting_plan(*, actor, organization: Organization, kind: str, title: str, planned_at: datetime.datetime,
                 topics: str = "", place: str = "", online: bool = False, host: Member | None = None,
                 recorder: Member | None = None, lecturer: Member | None = None, lecturer_name: str = "",
                 superior_attending: str = "", is_election: bool = False, study_hours: Decimal | int = 0,
                 makes_up: str = "", token: str = "", planned_by: Organization | None = None,
                 batch: uuid.UUID | None = None) -> Meeting:
    """Plan a meeting of `organization` (not yet told to anyone). A form sent twice plans once."""
    authorize(actor, organization, Need.MANAGE)

    def create() -> Meeting:
        if not organization.is_active:
            raise ValidationError(_("The organization is deactivated."))
        if not rules.kind_allowed(kind, organization.kind):
            raise ValidationError({"kind": _("A %(kind)s is not held by a %(org_kind)s.") % {
                "kind": Kind(kind).label if kind in Kind.values else kind,
                "org_kind": organization.get_kind_display()}})
        meeting = Meeting(
            organization=organization, organization_path=organization.path, kind=kind, title=(title or "").strip(),
            topics=(topics or "").strip(), planned_at=planned_at, place=place.strip(), online=online, host=host,
            recorder=recorder, lecturer=lecturer if kind == Kind.LECTURE else None,
            lecturer_name=lecturer_name.strip() if kind == Kind.LECTURE else "",
            superior_attending=superior_attending.strip(), is_election=is_election, study_hours=study_hours or 0,
            created_by=actor if getattr(actor, "is_authenticated", False) else None, planned_by=planned_by,
            batch=batch, period="-",
        )
        meeting.full_clean(exclude=["period"])
        _people(actor, meeting)
        if makes_up:
            _check_makeup(meeting, makes_up)
            meeting.period, meeting.is_makeup = makes_up, True
        else:
            meeting.period = _period(kind, organization, timezone.localtime(planned_at).date())
        meeting.number = _number(meeting)
        meeting.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=meeting, organization=organization,
                     changes={"kind": ["", kind], "planned_at": ["", f"{planned_at:%Y-%m-%d %H:%M}"]})
        return meeting

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Meeting, create=create)


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, **fields) -> Meeting:
    """Change a planned or convened meeting's details (not its organization or kind once convened)."""
    authorize(actor, meeting.organization, Need.MANAGE)
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    if not meeting.is_editable:
        raise ValidationError(_("The record is finalized; amend the minutes instead."))
    unknown = set(fields) - set(FIELDS) - {"makes_up"}
    if unknown:
        raise ValueError(f"meeting_update does not change {sorted(unknown)}")
    if "kind" in fields and fields["kind"] != meeting.kind and meeting.status != Status.PLANNED:
        raise ValidationError({"kind": _("The kind of a convened meeting cannot change.")})
    makes_up = fields.pop("makes_up", None)
    before = {name: str(getattr(meeting, name)) for name in fields}
    for name, value in fields.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    if meeting.kind != Kind.LECTURE:
        meeting.lecturer, meeting.lecturer_name = None, ""
    if not rules.kind_allowed(meeting.kind, meeting.organization.kind):
        raise ValidationError({"kind": _("A %(kind)s is not held by a %(org_kind)s.") % {
            "kind": meeting.get_kind_display(), "org_kind": meeting.organization.get_kind_display()}})
    meeting.full_clean()
    _people(actor, meeting)
    if makes_up:
        _check_makeup(meeting, makes_up)
        meeting.period, meeting.is_makeup = makes_up, True
    else:
        meeting.period = _period(meeting.kind, meeting.organization, timezone.localtime(meeting.planned_at).date())
        meeting.is_makeup = False
    meeting.number = _number(meeting)
    meeting.save()
    changes = {name: [before[name], str(getattr(meeting, name))] for name in fields
               if before[name] != str(getattr(meeting, name))}
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=meeting, organization=meeting.organization,
                 changes=changes)
    return meeting


@transaction.atomic
def meeting_plan_batch(*, actor, committee: Organization, title: str, topics: str, planned_at: datetime.datetime,
                       place: str = "", study_hours: Decimal | int = 0) -> list[Meeting]:
    """A committee plans one themed Party day for all its active branches at once: each branch gets its own
    meeting with the shared topic (planned, for its secretary to convene), all carrying one batch key. The same
    title at the same time is planned once (a second sending, or a second tab, finds the first)."""
    authorize(actor, committee, Need.MANAGE)
    Organization.objects.select_for_update().filter(pk=committee.pk).first()  # one batch at a time per committee
    title = (title or "").strip()
    twin = Meeting.objects.filter(planned_by=committee, title=title, planned_at=planned_at,
                                  batch__isnull=False).exclude(status=Status.CANCELLED).first()
    if twin is not None:
        return list(Meeting.objects.filter(batch=twin.batch).select_related("organization"))
    branches = list(Organization.objects.filter(subtree_q(committee.path), kind__in=rules.BRANCH_KINDS,
                                                status=Organization.Status.ACTIVE).exclude(pk=committee.pk))
    if not branches:
        raise ValidationError(_("There is no active branch under %(org)s.") % {"org": committee.name})
    batch = uuid.uuid4()
    return [meeting_plan(actor=actor, organization=branch, kind=Kind.THEMED_DAY, title=title, topics=topics,
                         planned_at=planned_at, place=place, study_hours=study_hours, planned_by=committee,
                         batch=batch) for branch in branches]


def snapshot(meeting: Meeting, on: datetime.date) -> list[Attendance]:
    """The expected attendees on `on`, computed from the tree: the members of the organization (and its groups),
    or the committee for a committee meeting; elderly or infirm members recorded exempt and members away recorded
    as attending elsewhere (not counted absent); leaders with dual organizational life added."""
    org = meeting.organization
    active = Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    seats = set(Position.objects.filter(active, organization=org, member__isnull=False)
                .values_list("member_id", flat=True))
    if meeting.kind == Kind.COMMITTEE:
        people = Member.objects.filter(pk__in=seats, status=Member.Status.ACTIVE)
    else:
        people = Member.objects.filter(subtree_q(org.path, "organization__path"), status=Member.Status.ACTIVE)
    people = list(people.only("id", "category", "organization_id"))
    arrangements = {
        (a.member_id, a.kind): a
        for a in Arrangement.objects.filter(active, Q(member__in=[p.pk for p in people]) | Q(
            organization=org, kind=Arrangement.Kind.DUAL))
    }
    dual = [a.member_id for (member_id, kind), a in arrangements.items()
            if kind == Arrangement.Kind.DUAL and a.organization_id == org.pk]
    known = {p.pk for p in people}
    extra = list(Member.objects.filter(pk__in=[m for m in dual if m not in known], status=Member.Status.ACTIVE)
                 .only("id", "category"))
    rows = []
    for person in [*people, *extra]:
        row = Attendance(meeting=meeting, member=person, voting=person.category == Member.Category.FULL,
                         on_committee=person.pk in seats, dual=person.pk not in known)
        for kind, state in ((Arrangement.Kind.EXEMPT, State.EXEMPT), (Arrangement.Kind.ELSEWHERE, State.ELSEWHERE)):
            arrangement = arrangements.get((person.pk, kind))
            if arrangement is not None and arrangement.organization_id == person.organization_id:
                row.state, row.reason = state, arrangement.note[:200] or str(arrangement.get_kind_display())[:200]
        rows.append(row)
    return rows


@transaction.atomic
def meeting_convene(*, actor, meeting: Meeting) -> Meeting:
    """Take the snapshot of expected attendees and tell each of them: the meeting is on their workbench,
    calendar and feed from now. Convening again changes nothing."""
    authorize(actor, meeting.organization, Need.MANAGE)
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    if meeting.status != Status.PLANNED:
        if meeting.status == Status.CONVENED:
            return meeting
        raise ValidationError(_("Only a planned meeting can be convened."))
    rows = Attendance.objects.bulk_create(snapshot(meeting, timezone.localtime(meeting.planned_at).date()))
    if not rows:
        raise ValidationError(_("Nobody is expected: %(org)s has no active members on file.") % {
            "org": meeting.organization.name})
    meeting.status, meeting.convened_at = Status.CONVENED, timezone.now()
    meeting.save(update_fields=["status", "convened_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=meeting, organization=meeting.organization,
                 changes={"status": [Status.PLANNED, Status.CONVENED], "attendees": ["", str(len(rows))]})
    # Recorded once: consumers (the groups' robots) hear of it without this app knowing them.
    record_work(kind="meeting_convened", organization=meeting.organization, on=timezone.localdate(), target=meeting,
                actor=actor, label=meeting.title, payload={
                    "kind": meeting.kind, "planned_at": f"{timezone.localtime(meeting.planned_at):%Y-%m-%d %H:%M}"})
    told = list(Member.objects.filter(meeting_attendances__meeting=meeting, user__isnull=False)
                .exclude(meeting_attendances__state__in=Attendance.EXCUSED).select_related("user"))
    params = {"title": meeting.title, "when": f"{timezone.localtime(meeting.planned_at):%Y-%m-%d %H:%M}"}
    url = meeting.get_absolute_url()
    transaction.on_commit(lambda: [
        notify(recipient=m.user, kind="assigned", target=meeting, url=url, actor=actor, params=params,
               title=gettext_noop("Meeting convened: %(title)s (%(when)s)")) for m in told])
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting) -> Meeting:
    authorize(actor, meeting.organization, Need.MANAGE)
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    if meeting.status == Status.CANCELLED:
        return meeting
    if not meeting.is_editable:
        raise ValidationError(_("A finalized record cannot be cancelled."))
    before = meeting.status
    meeting.status = Status.CANCELLED
    meeting.checkin_open = False
    meeting.save(update_fields=["status", "checkin_open", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=meeting, organization=meeting.organization,
                 changes={"status": [before, Status.CANCELLED]})
    if before == Status.CONVENED:
        told = list(Member.objects.filter(meeting_attendances__meeting=meeting, user__isnull=False)
                    .select_related("user"))
        params = {"title": meeting.title}
        transaction.on_commit(lambda: [
            notify(recipient=m.user, kind="withdrawn", target=meeting, url=meeting.get_absolute_url(), actor=actor,
                   params=params, title=gettext_noop("Meeting cancelled: %(title)s")) for m in told])
    return meeting


# ---------------------------------------------------------------------------------------------------------------
# Attendance, leave and check-in


def _may_record(actor, meeting: Meeting) -> None:
    authorize(actor, meeting.organization, Need.MANAGE, obj=meeting, relations=[RECORDER])


def _open_for_attendance(meeting: Meeting) -> None:
    if meeting.status == Status.PLANNED:
        raise ValidationError(_("Convene the meeting first: its attendees are taken when it is convened."))
    if meeting.status != Status.CONVENED:
        raise ValidationError(_("The record is finalized; attendance can no longer change."))


@transaction.atomic
def attendance_mark(*, actor, meeting: Meeting, marks: dict[int, str], reasons: dict[int, str] | None = None
                    ) -> int:
    """Mark attendance by hand ({attendance id: state}). A row that is not this meeting's (someone not
    expected) refuses the whole lot, naming it: nothing is half-saved. Returns how many rows changed."""
    _may_record(actor, meeting)
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    _open_for_attendance(meeting)
    reasons = reasons or {}
    rows = {row.pk: row for row in meeting.attendances.select_related("member")}
    stray = [pk for pk in marks if pk not in rows]
    if stray:
        raise ValidationError(_("Attendance can only be marked for the meeting's expected attendees and "
                                "observers; add an observer first."))
    bad = [state for state in marks.values() if state not in MARKABLE]
    if bad:
        raise ValidationError(_("Choose one of the offered attendance states."))
    changed = []
    for pk, state in marks.items():
        row = rows[pk]
        if not row.expected:  # an observer stays an observer
            continue
        reason = (reasons.get(pk) or "").strip()[:200]
        if row.state != state or (reason and reason != row.reason):
            row.state, row.marked_by = state, actor if getattr(actor, "is_authenticated", False) else None
            if reason:
                row.reason = reason
            changed.append(row)
    if changed:
        Attendance.objects.bulk_update(changed, ["state", "reason", "marked_by", "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=meeting,
                     organization=meeting.organization, changes={"attendance": ["", str(len(changed))]})
    return len(changed)


@transaction.atomic
def observer_add(*, actor, meeting: Meeting, member: Member, reason: str = "") -> Attendance:
    """Add someone attending without being expected (列席): recorded, never counted in the quorum."""
    _may_record(actor, meeting)
    _open_for_attendance(meeting)
    row, created = Attendance.objects.get_or_create(
        meeting=meeting, member=member,
        defaults={"state": State.OBSERVER, "expected": False, "reason": reason.strip()[:200]})
    if not created:
        raise ValidationError(_("%(name)s is already on the attendance list.") % {"name": member.name})
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=meeting, organization=meeting.organization,
                 changes={"observer": ["", member.name]})
    return row


def _leave_deciders(meeting: Meeting) -> list:
    from chuxin.core.access import holders

    people = list(holders(meeting.organization, Need.MANAGE, inherited=False, serving=True))
    if meeting.host_id and meeting.host.user_id and all(p.pk != meeting.host.user_id for p in people):
        people.append(meeting.host.user)
    return people


@transaction.atomic
def leave_request(*, actor, attendance: Attendance, reason: str) -> LeaveRequest:
    """The member asks to be excused; the host and the secretaries are told."""
    if not (getattr(actor, "is_authenticated", False) and attendance.member.user_id == actor.pk):
        raise PermissionDenied
    meeting = attendance.meeting
    _open_for_attendance(meeting)
    if not attendance.expected:
        raise ValidationError(_("Observers do not need leave."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you cannot attend.")})
    existing = LeaveRequest.objects.filter(attendance=attendance).first()
    if existing is not None and existing.state != LeaveRequest.State.REFUSED:
        raise ValidationError(_("You have already asked for leave from this meeting."))
    if existing is not None:
        existing.delete()  # a refused request asked again: the new reason replaces it
    request = LeaveRequest(attendance=attendance, reason=reason[:200])
    request.full_clean()
    request.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=request, organization=meeting.organization)
    deciders = _leave_deciders(meeting)
    params = {"name": attendance.member.name, "title": meeting.title}
    url = reverse("meetings:leave", args=[meeting.pk])
    transaction.on_commit(lambda: [
        notify(recipient=user, kind="assigned", target=request, url=url, actor=actor, params=params,
               title=gettext_noop("%(name)s asks for leave from %(title)s")) for user in deciders])
    return request


@transaction.atomic
def leave_decide(*, actor, leave: LeaveRequest, approve: bool, comment: str = "") -> LeaveRequest:
    meeting = leave.attendance.meeting
    authorize(actor, meeting.organization, Need.MANAGE, obj=meeting, relations=[HOST])
    # Only the request's own row is locked: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    request = LeaveRequest.objects.select_for_update(of=("self",)).select_related("attendance__member__user",
                                                                      "attendance__meeting").get(pk=leave.pk)
    if request.state != LeaveRequest.State.PENDING:
        raise ValidationError(_("This leave request has already been decided."))
    _open_for_attendance(meeting)
    request.state = LeaveRequest.State.APPROVED if approve else LeaveRequest.State.REFUSED
    request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    request.decided_at, request.comment = timezone.now(), comment.strip()[:200]
    request.save()
    attendance = request.attendance
    if approve:
        attendance.state, attendance.reason = State.LEAVE, request.reason
        attendance.save(update_fields=["state", "reason", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=request, organization=meeting.organization,
                 changes={"state": [LeaveRequest.State.PENDING, request.state]})
    member_user = attendance.member.user
    params = {"title": meeting.title}
    title = (gettext_noop("Leave approved: %(title)s") if approve else gettext_noop("Leave refused: %(title)s"))
    transaction.on_commit(lambda: notify(
        recipient=member_user, kind="accepted" if approve else "returned", target=request,
        url=meeting.get_absolute_url(), actor=actor, params=params, title=title))
    return request


@transaction.atomic
def checkin_toggle(*, actor, meeting: Meeting, open_: bool) -> Meeting:
    _may_record(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if open_:
        _open_for_attendance(meeting)
    if meeting.checkin_open != open_:
        meeting.checkin_open = open_
        meeting.save(update_fields=["checkin_open", "updated_at"])
    return meeting


CHECKIN_REFUSALS = {
    "stale": gettext_noop("This code has expired: codes change every 30 seconds. Scan or type the code on the "
                          "screen now."),
    "other_meeting": gettext_noop("This code belongs to another meeting."),
    "invalid": gettext_noop("This is not the meeting's current code. Scan or type the code on the screen now."),
}


@transaction.atomic
def attendance_checkin(*, actor, meeting: Meeting, code: str, now: float | None = None) -> Attendance:
    """A logged-in expected attendee checks themselves in with the code on the host's screen, inside its
    window. Late after the planned start plus 15 minutes. Checking in again changes nothing."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Status.CONVENED or not meeting.checkin_open:
        raise ValidationError(_("Self check-in is not open for this meeting; the recorder marks attendance."))
    verdict = codes.check(meeting.pk, code, now)
    if not verdict.ok:
        raise ValidationError(_(CHECKIN_REFUSALS[verdict.reason]))
    row = meeting.attendances.filter(member__user=actor).first()
    if row is None:
        raise ValidationError(_("You are not among this meeting's expected attendees; ask the recorder to add "
                                "you."))
    if row.state in Attendance.ATTENDED:
        return row
    moment = timezone.now()
    late = moment > meeting.planned_at + datetime.timedelta(minutes=15)
    row.state = State.LATE if late else (State.OBSERVER if not row.expected else State.PRESENT)
    row.checked_in_at = moment
    row.save(update_fields=["state", "checked_in_at", "updated_at"])
    return row


# ---------------------------------------------------------------------------------------------------------------
# Resolutions


def heads(meeting: Meeting) -> list[rules.Head]:
    return [rules.Head(attended=row.state in Attendance.ATTENDED, voting=row.voting, on_committee=row.on_committee,
                       excused=row.state in Attendance.EXCUSED)
            for row in meeting.attendances.filter(expected=True).only("state", "voting", "on_committee")]


def _voters(meeting: Meeting) -> tuple[int, int]:
    """(full members with voting rights expected, those of them present), lawful exceptions left out."""
    hs = [h for h in heads(meeting) if h.voting and not h.excused]
    return len(hs), sum(h.attended for h in hs)


@transaction.atomic
def resolution_add(*, actor, meeting: Meeting, text: str, votes_for: int, votes_against: int,
                   votes_abstain: int, token: str = "") -> Resolution:
    """Record a resolution with its votes; it passes with more than half of the full members with voting rights
    expected, and is invalid when the meeting lacks its quorum (the reason recorded). Sent twice, recorded once."""
    _may_record(actor, meeting)
    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Resolution, create=lambda: _resolution(
        actor=actor, meeting=meeting, text=text, votes_for=votes_for, votes_against=votes_against,
        votes_abstain=votes_abstain))


def _resolution(*, actor, meeting: Meeting, text: str, votes_for: int, votes_against: int,
                votes_abstain: int) -> Resolution:
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    _open_for_attendance(meeting)
    text = (text or "").strip()
    expected, present = _voters(meeting)
    quorum = rules.quorum(meeting.kind, heads(meeting), election=meeting.is_election)
    try:
        outcome = rules.resolution_outcome(
            votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain, voters_expected=expected,
            voters_present=present, quorum_met=quorum.met)
    except ValueError:
        raise ValidationError(_("%(n)s votes were cast but only %(present)s members with voting rights are marked "
                                "present; mark the attendance first.") % {
            "n": votes_for + votes_against + votes_abstain, "present": present}) from None
    resolution = Resolution(meeting=meeting, text=text, votes_for=votes_for, votes_against=votes_against,
                            votes_abstain=votes_abstain, voters_expected=expected, valid=outcome.valid,
                            passed=outcome.passed, note=outcome.note[:300])
    resolution.full_clean()
    resolution.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=resolution, organization=meeting.organization,
                 changes={"votes": ["", f"{votes_for}/{votes_against}/{votes_abstain}"]})
    return resolution


# ---------------------------------------------------------------------------------------------------------------
# Finalize, amend, review


@transaction.atomic
def meeting_finalize(*, actor, meeting: Meeting, held_on: datetime.date, minutes: str,
                     today: datetime.date | None = None, attachments=()) -> Meeting:
    """The secretary finalizes the record: held on a past or present day, every expected attendee marked,
    minutes written. The quorum is checked from the attendance; below it the meeting is recorded as held and its
    resolutions marked invalid with the reason. The record is read-only afterwards; its work records are written
    (duties tick, reports count it, study hours go to the members present). `attachments`: optional uploaded
    files kept with the record (never required)."""
    authorize(actor, meeting.organization, Need.MANAGE)
    today = today or _today()
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related(  # the meeting's row only (outer joins)
        "organization", "lecturer__user").get(pk=meeting.pk)
    if meeting.status == Status.FINALIZED:
        raise ValidationError(_("The record is already finalized; amend the minutes instead."))
    _open_for_attendance(meeting)
    if held_on is None:
        raise ValidationError({"held_on": _("Enter the day the meeting was held.")})
    if held_on > today:
        raise ValidationError({"held_on": _("The meeting cannot be recorded as held on a future day.")})
    unmarked = meeting.attendances.filter(state=State.EXPECTED).count()
    if unmarked:
        raise ValidationError(_("Mark the attendance of everyone expected first: %(n)s not yet marked.") % {
            "n": unmarked})
    clean = richtext.sanitize(minutes)
    if richtext.is_blank(clean):
        raise ValidationError({"minutes": _("Write the minutes before finalizing the record.")})
    quorum = rules.quorum(meeting.kind, heads(meeting), election=meeting.is_election)
    meeting.held_on, meeting.minutes = held_on, clean
    meeting.quorum_met = quorum.met if quorum.applies else None
    meeting.quorum_note = quorum.note[:300]
    if not meeting.is_makeup:
        meeting.period = _period(meeting.kind, meeting.organization, held_on)
        meeting.number = _number(meeting)
    meeting.status, meeting.checkin_open = Status.FINALIZED, False
    meeting.finalized_at = timezone.now()
    meeting.finalized_by = actor if getattr(actor, "is_authenticated", False) else None
    parent = meeting.organization.parent
    if parent is not None and core_rules.value(REVIEW_ENABLED, parent):
        meeting.review = Meeting.Review.PENDING
    meeting.full_clean()
    meeting.save()
    if quorum.applies and not quorum.met:
        meeting.resolutions.update(valid=False, passed=False,
                                   note=(_("Invalid: the meeting did not have its quorum.") + " " + quorum.note)[:300])
    files = attachments_save(MeetingAttachment, attachments, uploaded_by=_person(actor), meeting=meeting)
    changes = {"status": [Status.CONVENED, Status.FINALIZED], "held_on": ["", str(held_on)]}
    if files:
        changes["attachments"] = [[], [f.name for f in files]]
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=meeting, organization=meeting.organization,
                 changes=changes)
    _record(meeting, actor)
    return meeting


def _record(meeting: Meeting, actor) -> None:
    rows = list(meeting.attendances.select_related("member__user"))
    present = [row.member for row in rows if row.state in Attendance.ATTENDED]
    expected = sum(1 for row in rows if row.expected and row.state not in Attendance.EXCUSED)
    attended = sum(1 for row in rows if row.expected and row.state in Attendance.ATTENDED)
    label = f"{meeting.get_kind_display()}：{meeting.title}"
    record_work(kind="meeting_held", organization=meeting.organization, on=meeting.held_on, target=meeting,
                actor=actor, users=[m.user for m in present if m.user_id], members=present, label=label,
                payload={"kind": meeting.kind, "period": meeting.period, "expected": expected,
                         "attended": attended, "study_hours": str(meeting.study_hours)})
    if meeting.kind == Kind.LECTURE and meeting.lecturer_id and meeting.lecturer.user_id:
        record_work(kind="lecture_given", organization=meeting.organization, on=meeting.held_on, target=meeting,
                    actor=actor, users=[meeting.lecturer.user], members=[meeting.lecturer], label=label,
                    payload={"period": meeting.period})
    if meeting.kind == Kind.LIFE:
        record_work(kind="life_meeting_held", organization=meeting.organization, on=meeting.held_on,
                    target=meeting, actor=actor, label=label, payload={"year": meeting.held_on.year})


# ---------------------------------------------------------------------------------------------------------------
# Attachments: optional files kept with the record (a sign-in sheet, the material studied) while it is not
# finalized; afterwards they are read-only like the minutes. Only the person who attached a file removes it.


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _open_for_files(meeting: Meeting) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == Status.FINALIZED:
        raise ValidationError(_("The record is finalized; its attachments can no longer change."))
    if locked.status == Status.CANCELLED:
        raise ValidationError(_("The meeting has been cancelled; its attachments can no longer change."))
    return locked


@transaction.atomic
def meeting_attachments_add(*, actor, meeting: Meeting, attachments, token: str = "") -> list[MeetingAttachment]:
    """Attach files to a meeting whose record is not finalized (MANAGE on its organization, or its recorder).
    The same form sent twice (`token`) attaches once."""
    authorize(actor, meeting.organization, Need.MANAGE, obj=meeting, relations=[RECORDER])
    if not attachments:
        return []
    made: list[MeetingAttachment] = []

    def attach() -> MeetingAttachment:
        _open_for_files(meeting)
        made.extend(attachments_save(MeetingAttachment, attachments, uploaded_by=_person(actor), meeting=meeting))
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=meeting,
                     organization=meeting.organization, changes={"attachments": [[], [f.name for f in made]]})
        return made[0]

    first = IdempotencyKey.objects.create_once(actor=actor, token=token, model=MeetingAttachment, create=attach)
    return made or [first]


@transaction.atomic
def meeting_attachment_delete(*, actor, attachment: MeetingAttachment) -> None:
    """Remove a file its own uploader attached, while the record is not finalized. Removing it twice is
    harmless."""
    meeting = attachment.meeting
    authorize(actor, meeting.organization, Need.MANAGE, obj=meeting, relations=[RECORDER])
    if attachment.uploaded_by_id != getattr(actor, "pk", None):
        raise PermissionDenied
    _open_for_files(meeting)
    row = MeetingAttachment.objects.select_for_update().filter(pk=attachment.pk).first()
    if row is None:
        return
    attachment_delete(row)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=meeting, organization=meeting.organization,
                 changes={"attachments": [[attachment.name], []]})


@transaction.atomic
def minutes_amend(*, actor, meeting: Meeting, minutes: str, reason: str) -> MinutesRevision:
    """Amend a finalized record's minutes: the previous text is kept (who, when, why), never overwritten."""
    authorize(actor, meeting.organization, Need.MANAGE)
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    if meeting.status != Status.FINALIZED:
        raise ValidationError(_("Only a finalized record is amended; until then edit the minutes directly."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the minutes are amended.")})
    clean = richtext.sanitize(minutes)
    if richtext.is_blank(clean):
        raise ValidationError({"minutes": _("The minutes cannot be empty.")})
    if clean == meeting.minutes:
        raise ValidationError({"minutes": _("The minutes are unchanged.")})
    number = meeting.revisions.count() + 1
    revision = MinutesRevision.objects.create(
        meeting=meeting, number=number, previous_minutes=meeting.minutes, reason=reason[:300],
        amended_by=actor if getattr(actor, "is_authenticated", False) else None)
    meeting.minutes = clean
    if meeting.review == Meeting.Review.ACCEPTED:
        meeting.review = Meeting.Review.PENDING  # the superior accepted another text
    meeting.save(update_fields=["minutes", "review", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=meeting, organization=meeting.organization,
                 changes={"revision": ["", str(number)]})
    return revision


@transaction.atomic
def meeting_review(*, actor, meeting: Meeting, accept: bool, comment: str = "") -> Meeting:
    """The superior organization accepts the record or returns it with a comment (where it has switched the
    review on)."""
    parent = meeting.organization.parent
    if parent is None:
        raise PermissionDenied
    authorize(actor, parent, Need.MANAGE)
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    if meeting.review not in (Meeting.Review.PENDING, Meeting.Review.RETURNED) or not meeting.is_finalized:
        raise ValidationError(_("This record is not waiting for review."))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Say what should be corrected.")})
    before = meeting.review
    meeting.review = Meeting.Review.ACCEPTED if accept else Meeting.Review.RETURNED
    meeting.review_comment = comment[:500]
    meeting.save(update_fields=["review", "review_comment", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=meeting, organization=meeting.organization,
                 changes={"review": [before, meeting.review]})
    return meeting


# ---------------------------------------------------------------------------------------------------------------
# Exempt periods and standing arrangements


@transaction.atomic
def exemption_set(*, actor, organization: Organization, kind: str, period: str, reason: str) -> PeriodExemption:
    """Mark a period exempt for a kind, with the reason: the branch itself or any organization above it."""
    authorize(actor, organization, Need.MANAGE)
    if kind not in rules.REQUIRED_KINDS:
        raise ValidationError({"kind": _("Choose one of the offered values.")})
    try:
        rules.period_bounds(period)
    except ValueError:
        raise ValidationError({"period": _("Choose a period from the list.")}) from None
    if rules.period_frequency(period) != frequency(kind, organization):
        raise ValidationError({"period": _("Choose a period of the kind's frequency.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the exemption.")})
    exemption, created = PeriodExemption.objects.get_or_create(
        organization=organization, kind=kind, period=period,
        defaults={"organization_path": organization.path, "reason": reason[:200],
                  "created_by": actor if getattr(actor, "is_authenticated", False) else None})
    if not created:
        raise ValidationError(_("This period is already exempt."))
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=exemption, organization=organization,
                 changes={"period": ["", period], "reason": ["", reason[:200]]})
    return exemption


@transaction.atomic
def exemption_remove(*, actor, exemption: PeriodExemption) -> None:
    authorize(actor, exemption.organization, Need.MANAGE)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, target=exemption,
                 organization=exemption.organization, target_repr=str(exemption))
    exemption.delete()


@transaction.atomic
def arrangement_add(*, actor, member: Member, kind: str, organization: Organization | None = None,
                    note: str = "", started_on: datetime.date | None = None) -> Arrangement:
    """Record a lawful exception for a member (exempt, attending elsewhere) or a second organization whose life a
    leader takes part in (dual): read when meetings are convened from now on."""
    if kind == Arrangement.Kind.DUAL:
        if organization is None:
            raise ValidationError({"organization": _("Choose the organization whose life the member also "
                                                     "takes part in.")})
        authorize(actor, organization, Need.MANAGE)
        if organization.pk == member.organization_id:
            raise ValidationError({"organization": _("Choose another organization than the member's own.")})
    else:
        organization = member.organization
        authorize(actor, organization, Need.MANAGE)
    if Arrangement.objects.filter(member=member, kind=kind, organization=organization, ended_on__isnull=True).exists():
        raise ValidationError(_("This arrangement is already recorded for %(name)s.") % {"name": member.name})
    arrangement = Arrangement(member=member, kind=kind, organization=organization, note=(note or "").strip(),
                              started_on=started_on or _today())
    arrangement.full_clean()
    arrangement.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=arrangement, organization=organization,
                 changes={"kind": ["", kind]})
    return arrangement


@transaction.atomic
def arrangement_end(*, actor, arrangement: Arrangement, ended_on: datetime.date | None = None) -> Arrangement:
    authorize(actor, arrangement.organization, Need.MANAGE)
    ended_on = ended_on or _today()
    if arrangement.ended_on is not None:
        return arrangement
    arrangement.ended_on = max(ended_on, arrangement.started_on)
    arrangement.save(update_fields=["ended_on", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=arrangement,
                 organization=arrangement.organization, changes={"ended_on": ["", str(arrangement.ended_on)]})
    return arrangement


# ---------------------------------------------------------------------------------------------------------------
# The yearly organizational life meeting


def _life(meeting: Meeting) -> None:
    if meeting.kind != Kind.LIFE:
        raise ValidationError(_("This is not an organizational life meeting."))


@transaction.atomic
def preparation_save(*, actor, meeting: Meeting, study_done_on: datetime.date | None, study_note: str,
                     opinions_done_on: datetime.date | None, opinions_note: str) -> LifePreparation:
    authorize(actor, meeting.organization, Need.MANAGE)
    _life(meeting)
    if not meeting.is_editable:
        raise ValidationError(_("The record is finalized; the preparation can no longer change."))
    today = _today()
    for field, day in (("study_done_on", study_done_on), ("opinions_done_on", opinions_done_on)):
        if day is not None and day > today:
            raise ValidationError({field: _("A step cannot be done on a future day.")})
    prep, _created = LifePreparation.objects.get_or_create(meeting=meeting)
    prep.study_done_on, prep.study_note = study_done_on, (study_note or "").strip()[:300]
    prep.opinions_done_on, prep.opinions_note = opinions_done_on, (opinions_note or "").strip()[:300]
    prep.full_clean()
    prep.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=meeting, organization=meeting.organization,
                 changes={"preparation": ["", str(study_done_on or opinions_done_on or "")]})
    return prep


@transaction.atomic
def criticism_save(*, actor, meeting: Meeting, member: Member, self_criticism: str,
                   criticism_received: str = "") -> Criticism:
    """One member's criticism and self-criticism at the life meeting, recorded by the recorder or secretary."""
    _may_record(actor, meeting)
    _life(meeting)
    if not meeting.is_editable:
        raise ValidationError(_("The record is finalized; the records can no longer change."))
    if not meeting.attendances.filter(member=member).exists():
        raise ValidationError({"member": _("%(name)s is not on this meeting's attendance list.") % {
            "name": member.name}})
    if not (self_criticism or "").strip():
        raise ValidationError({"self_criticism": _("Write the self-criticism.")})
    record, _created = Criticism.objects.update_or_create(
        meeting=meeting, member=member,
        defaults={"self_criticism": self_criticism.strip()[:4000],
                  "criticism_received": (criticism_received or "").strip()[:4000]})
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=meeting, organization=meeting.organization,
                 changes={"criticism": ["", member.name]})
    return record


@transaction.atomic
def rectification_add(*, actor, meeting: Meeting, text: str, due_on: datetime.date,
                      token: str = "") -> Rectification:
    """A rectification measure of the life meeting; sent twice, added once."""
    authorize(actor, meeting.organization, Need.MANAGE)
    _life(meeting)
    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Rectification,
                                              create=lambda: _rectification(actor, meeting, text, due_on))


def _rectification(actor, meeting: Meeting, text: str, due_on: datetime.date) -> Rectification:
    item = Rectification(meeting=meeting, text=(text or "").strip(), due_on=due_on)
    item.full_clean()
    if item.due_on < _today():
        raise ValidationError({"due_on": _("The due date has already passed; choose today or a later date.")})
    item.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=item, organization=meeting.organization)
    return item


@transaction.atomic
def rectification_to_task(*, actor, rectification: Rectification, plan_item, responsible=None):
    """Make a rectification measure a task of the organization's annual plan (chuxin.plans), once."""
    meeting = rectification.meeting
    authorize(actor, meeting.organization, Need.MANAGE)
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if rectification.task_id:
        raise ValidationError(_("This measure is already a task of the annual plan."))
    if plan_item.plan.organization_id != meeting.organization_id:
        raise ValidationError({"plan_item": _("Choose an item of the organization's own plan.")})
    today = _today()
    task = task_create(
        actor=actor, plan_item=plan_item, title=rectification.text[:200], start_on=min(today, rectification.due_on),
        due_on=rectification.due_on, responsible=responsible,
        description=_("Rectification measure of %(meeting)s.") % {"meeting": meeting.title},
        origin=TaskOrigin(target=rectification, label=meeting.title, url=meeting.get_absolute_url(),
                          organization=meeting.organization))
    rectification.task_id, rectification.task_url = task.pk, reverse("plans:task", args=[task.pk])
    rectification.save(update_fields=["task_id", "task_url", "updated_at"])
    return task

