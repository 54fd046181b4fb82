"""Writes for the member evaluation and the heart-to-heart talks.

Each service checks its actor itself, validates, writes in one transaction with its audit entry, and notifies
after commit. One deliberate exception: casting a ballot writes no audit entry and no notification. An audit line
would name the voter and the moment of the vote, and beside the ballots (written in the same moment) it would tie
them to the voter; the VoterRecord is the only trace that someone voted.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core import rules
from chuxin.core.access import Need, authorize, can
from chuxin.core.models import IdempotencyKey
from chuxin.core.paths import subtree_q
from chuxin.members.models import Member
from chuxin.notifications.services import notify
from chuxin.orgs.models import Organization
from chuxin.records.services import record_work

from .access import ORG_SEAT, participant_for
from .apps import EXCELLENT_SHARE
from .models import Ballot, Evaluation, Grade, Participant, Talk, VoterRecord
from .selectors import excellent_cap, members_on_roll
from .states import STAGES

S = Evaluation.Stage
_shuffle = random.SystemRandom().shuffle  # the order ballots are written in must not be guessable


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _check_cap(evaluation: Evaluation, grades: Iterable[str], graded: int, field: str) -> None:
    excellent = sum(1 for grade in grades if grade == Grade.EXCELLENT)
    cap = excellent_cap(evaluation, graded)
    if excellent > cap:
        share = rules.value(EXCELLENT_SHARE, evaluation.organization)
        raise ValidationError({field: _(
            "At most %(cap)s of the %(graded)s graded members may be graded “excellent” (one in every %(share)s); "
            "%(n)s are. Change some grades and save again."
        ) % {"cap": cap, "graded": graded, "share": share, "n": excellent}})


def _in_default_language(message: str, **params) -> str:
    """A work record's label is stored as written, like the titles people type: in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(message) % params


def _lock(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update().select_related("organization").get(pk=evaluation.pk)


def _participant_users(evaluation: Evaluation) -> list:
    return [p.member.user for p in evaluation.participants.select_related("member__user")
            if p.member.user is not None]


def _tell_participants(evaluation: Evaluation, *, kind: str, title: str, actor, dedup_key: str) -> None:
    url = reverse("evaluation:mine", kwargs={"pk": evaluation.pk})
    params = {"org": evaluation.organization.name, "year": evaluation.year}
    for user in _participant_users(evaluation):
        notify(recipient=user, kind=kind, target=evaluation, title=title, url=url, dedup_key=dedup_key,
               params=params, actor=actor)


# ---------------------------------------------------------------------------------------------------------------
# Opening


@transaction.atomic
def evaluation_open(*, actor, organization: Organization, year: int, self_assessment_due: datetime.date,
                    grading_due: datetime.date, today: datetime.date | None = None, token: str = "") -> Evaluation:
    """Open the branch's evaluation for `year` with a snapshot of its members on the roll (its Party groups'
    included): full members graded, probationary members taking part without a grade. Each participant with a
    login is told. The same form sent twice (`token`) opens it once."""
    authorize(actor, organization, Need.MANAGE)
    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Evaluation, create=lambda: _open(
        actor=actor, organization=organization, year=year, self_assessment_due=self_assessment_due,
        grading_due=grading_due, today=_today(today)))


def _open(*, actor, organization, year, self_assessment_due, grading_due, today) -> Evaluation:
    if not organization.is_branch:
        raise ValidationError(_("A member evaluation is held by a Party branch; %(org)s is not one.") % {
            "org": organization.name})
    if not organization.is_active:
        raise ValidationError(_("%(org)s is deactivated.") % {"org": organization.name})
    if year is None or not (2000 <= year <= today.year):
        raise ValidationError({"year": _("Choose this year or an earlier one.")})
    if self_assessment_due and grading_due and grading_due < self_assessment_due:
        raise ValidationError({"grading_due": _("Peer grading cannot close before the self-assessments are due.")})
    if Evaluation.objects.filter(organization=organization, year=year).exists():
        raise ValidationError({"year": _("%(org)s already has a member evaluation for %(year)s.") % {
            "org": organization.name, "year": year}})
    members = list(
        Member.objects.filter(subtree_q(organization.path, "organization__path"), status=Member.Status.ACTIVE)
        .only("id", "category").order_by("id")
    )
    if not members:
        raise ValidationError(_("%(org)s has no members on the roll to evaluate.") % {"org": organization.name})
    evaluation = Evaluation(
        organization=organization, year=year, self_assessment_due=self_assessment_due, grading_due=grading_due,
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    evaluation.full_clean()
    evaluation.save()
    Participant.objects.bulk_create([
        Participant(evaluation=evaluation, member=m, graded=m.category == Member.Category.FULL) for m in members
    ])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=evaluation, organization=organization,
                 changes={"participants": ["", str(len(members))]})
    transaction.on_commit(lambda: _tell_participants(
        evaluation, kind="assigned", actor=actor, dedup_key="opened",
        title=gettext_noop("Member evaluation %(year)s of %(org)s: write your self-assessment")))
    return evaluation


# ---------------------------------------------------------------------------------------------------------------
# The member's part


def _own_part(actor, evaluation: Evaluation, participant: Participant | None) -> Participant:
    """The actor's own participation (PermissionDenied when they take no part: nobody writes or votes for another
    person, not even the secretary); the house (actor None) names the participant."""
    if actor is None:
        if participant is None or participant.evaluation_id != evaluation.pk:
            raise PermissionDenied
        return participant
    own = participant_for(evaluation, actor)
    if own is None:
        raise PermissionDenied
    return own


@transaction.atomic
def self_assessment_write(*, actor, evaluation: Evaluation, text: str, participant: Participant | None = None
                          ) -> Participant:
    """A participant writes (or rewrites) their own self-assessment while the self-assessment stage lasts.
    `participant` is for the house (the demo); a person always writes their own."""
    participant = _own_part(actor, evaluation, participant)
    evaluation = _lock(evaluation)
    if evaluation.stage != S.SELF_ASSESSMENT:
        raise ValidationError(_("Self-assessments can no longer be written: the evaluation is at “%(stage)s”.") % {
            "stage": evaluation.get_stage_display()})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your self-assessment before saving it.")})
    participant = Participant.objects.select_for_update().get(pk=participant.pk, evaluation=evaluation)
    before = "written" if participant.self_assessment else ""
    participant.self_assessment = text
    participant.self_assessed_at = timezone.now()
    participant.full_clean()
    participant.save(update_fields=["self_assessment", "self_assessed_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=participant,
                 organization=evaluation.organization, changes={"self_assessment": [before, "written"]})
    return participant


def ballot_cast(*, actor, evaluation: Evaluation, grades: Mapping[int, str], voter: Participant | None = None) -> int:
    """A participant grades every graded member but themself, once, anonymously. Returns how many ballots.

    The VoterRecord is written first: a second ballot from the same participant (a double click, two tabs, two
    requests at the same moment) fails on its unique constraint and is refused, with nothing written. The ballots
    carry no voter and no time; they are written together, in shuffled order, with random keys. No audit entry
    (see the module's docstring). `voter` is for the house (the demo); a person always votes as themself."""
    voter = _own_part(actor, evaluation, voter)
    with transaction.atomic():
        evaluation = Evaluation.objects.select_related("organization").get(pk=evaluation.pk)
        if evaluation.stage != S.GRADING:
            raise ValidationError(_("Peer grading is not open: the evaluation is at “%(stage)s”.") % {
                "stage": evaluation.get_stage_display()})
        graded = {p.pk: p for p in evaluation.participants.filter(graded=True).exclude(pk=voter.pk)}
        chosen: dict[int, str] = {}
        for key, grade in grades.items():
            try:
                pk = int(key)
            except (TypeError, ValueError):
                pk = None
            if pk not in graded:
                raise ValidationError(_("Only the members graded in this evaluation can be graded."))
            if grade not in Grade.values:
                raise ValidationError(_("Choose one of the four grades for %(name)s.") % {
                    "name": graded[pk].member.name})
            chosen[pk] = grade
        missing = [p.member.name for pk, p in graded.items() if pk not in chosen]
        if missing:
            raise ValidationError(_("Grade every member before casting the ballot; missing: %(names)s.") % {
                "names": "、".join(missing)})
        try:
            with transaction.atomic():
                VoterRecord.objects.create(evaluation=evaluation, voter=voter)
        except IntegrityError:
            raise ValidationError(_("You have already cast your ballot in this evaluation; it cannot be cast "
                                    "again.")) from None
        ballots = [Ballot(evaluation=evaluation, graded_id=pk, grade=grade) for pk, grade in chosen.items()]
        _shuffle(ballots)
        Ballot.objects.bulk_create(ballots)
    return len(ballots)


# ---------------------------------------------------------------------------------------------------------------
# The secretary moves the stages; the committee proposes; the meeting decides


@transaction.atomic
def evaluation_advance(*, actor, evaluation: Evaluation, step: str) -> Evaluation:
    """Open peer grading (after the self-assessments) or close it (the committee's proposal begins). Taking a
    step already taken (a double click) changes nothing."""
    if step not in ("start_grading", "close_grading"):
        raise ValidationError(_("Unknown step."))
    STAGES.require(actor, evaluation, step)
    evaluation = _lock(evaluation)
    target = STAGES[step].target
    if evaluation.stage == target:
        return evaluation
    STAGES.check(evaluation.stage, target, via=step)
    before = evaluation.stage
    evaluation.stage = target
    evaluation.save(update_fields=["stage", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=evaluation,
                 organization=evaluation.organization, changes={"stage": [before, target]})
    if step == "start_grading":
        transaction.on_commit(lambda: _tell_participants(
            evaluation, kind="assigned", actor=actor, dedup_key="grading",
            title=gettext_noop("Member evaluation %(year)s of %(org)s: peer grading is open, cast your ballot")))
    return evaluation


def _graded(evaluation: Evaluation) -> dict[int, Participant]:
    return {p.pk: p for p in evaluation.participants.filter(graded=True).select_for_update().select_related("member")}


def _clean_grades(evaluation: Evaluation, grades: Mapping[int, str], *, complete: bool) -> dict[int, str]:
    graded = _graded(evaluation)
    clean: dict[int, str] = {}
    for key, grade in grades.items():
        pk = int(key) if str(key).isdigit() else None
        if pk not in graded:
            raise ValidationError(_("Only the members graded in this evaluation can be graded."))
        if grade and grade not in Grade.values:
            raise ValidationError(_("Choose one of the four grades for %(name)s.") % {"name": graded[pk].member.name})
        clean[pk] = grade or ""
    if complete:
        missing = [p.member.name for pk, p in graded.items() if not clean.get(pk)]
        if missing:
            raise ValidationError(_("Give every graded member a grade; missing: %(names)s.") % {
                "names": "、".join(missing)})
    return clean


@transaction.atomic
def grades_propose(*, actor, evaluation: Evaluation, grades: Mapping[int, str], comments: Mapping[int, str],
                   submit: bool = False) -> Evaluation:
    """The committee's proposal: a grade and a comment for each graded member (a comment for the others too),
    saved as often as needed while the stage lasts; `submit` hands it to the meeting (every graded member needs
    a grade, within the cap on "excellent")."""
    STAGES.require(actor, evaluation, "submit_proposal")
    evaluation = _lock(evaluation)
    if evaluation.stage != S.PROPOSAL:
        raise ValidationError(_("The committee's proposal can only be written after peer grading has closed."))
    clean = _clean_grades(evaluation, grades, complete=submit)
    graded_count = evaluation.participants.filter(graded=True).count()
    _check_cap(evaluation, clean.values(), graded_count, "__all__")
    participants = {p.pk: p for p in evaluation.participants.select_for_update()}
    changed = []
    for pk, participant in participants.items():
        grade = clean.get(pk, participant.proposed_grade) if participant.graded else ""
        comment = (comments.get(pk, participant.comment) or "").strip()[:500]
        if (grade, comment) != (participant.proposed_grade, participant.comment):
            participant.proposed_grade, participant.comment = grade, comment
            participant.full_clean()
            changed.append(participant)
    Participant.objects.bulk_update(changed, ["proposed_grade", "comment", "updated_at"])
    before = evaluation.stage
    if submit:
        STAGES.check(evaluation.stage, S.DECISION, via="submit_proposal")
        evaluation.stage = S.DECISION
        evaluation.save(update_fields=["stage", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=evaluation,
                 organization=evaluation.organization,
                 changes={"proposed": ["", str(len(changed))], **({"stage": [before, S.DECISION]} if submit else {})})
    return evaluation


@transaction.atomic
def evaluation_conclude(*, actor, evaluation: Evaluation, grades: Mapping[int, str], meeting_on: datetime.date,
                        meeting_note: str = "", today: datetime.date | None = None) -> Evaluation:
    """Record the branch general meeting's decision: a final grade for every graded member (at most the cap of
    "excellent"), the meeting's date and a note. The evaluation is concluded; each participant is told and sees
    their own grade and the committee's comment; a work record says the evaluation was concluded."""
    STAGES.require(actor, evaluation, "conclude")
    today = _today(today)
    evaluation = _lock(evaluation)
    if evaluation.stage == S.CONCLUDED:
        return evaluation
    STAGES.check(evaluation.stage, S.CONCLUDED, via="conclude")
    if meeting_on is None:
        raise ValidationError({"meeting_on": _("Give the date of the branch general meeting that decided.")})
    if meeting_on > today:
        raise ValidationError({"meeting_on": _("The meeting's date cannot be in the future.")})
    if meeting_on.year < evaluation.year:
        raise ValidationError({"meeting_on": _("The meeting cannot be before the evaluation's year.")})
    clean = _clean_grades(evaluation, grades, complete=True)
    _check_cap(evaluation, clean.values(), len(clean), "__all__")
    participants = list(evaluation.participants.filter(graded=True).select_for_update())
    for participant in participants:
        participant.final_grade = clean[participant.pk]
    Participant.objects.bulk_update(participants, ["final_grade", "updated_at"])
    evaluation.stage = S.CONCLUDED
    evaluation.meeting_on = meeting_on
    evaluation.meeting_note = (meeting_note or "").strip()[:300]
    evaluation.concluded_at = timezone.now()
    evaluation.concluded_by = actor if getattr(actor, "is_authenticated", False) else None
    evaluation.full_clean()
    evaluation.save()
    excellent = sum(1 for g in clean.values() if g == Grade.EXCELLENT)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=evaluation,
                 organization=evaluation.organization,
                 changes={"stage": [S.DECISION, S.CONCLUDED], "meeting_on": ["", str(meeting_on)]})
    # Collect once: responsibility duties and the periodic reports read the record.
    record_work(kind="evaluation.concluded", organization=evaluation.organization, on=meeting_on,
                target=evaluation, actor=actor, users=[actor] if actor is not None else [],
                payload={"year": evaluation.year, "graded": len(clean), "excellent": excellent},
                label=_in_default_language(gettext_noop("%(org)s: member evaluation %(year)s"),
                                           org=evaluation.organization.name, year=evaluation.year),
                url=reverse("evaluation:detail", kwargs={"pk": evaluation.pk}))
    transaction.on_commit(lambda: _tell_participants(
        evaluation, kind="reminded", actor=actor, dedup_key="concluded",
        title=gettext_noop("Member evaluation %(year)s of %(org)s: your result is ready")))
    return evaluation


# ---------------------------------------------------------------------------------------------------------------
# Heart-to-heart talks


@transaction.atomic
def talk_record(*, actor, organization: Organization, talker: Member, member: Member, held_on: datetime.date,
                kind: str, note: str = "", today: datetime.date | None = None, token: str = "") -> Talk:
    """Record a heart-to-heart talk. The secretary (MANAGE) records any; a committee member records their own
    (they are the talker). A work record "talk.held" (payload: kind) is written, which the organizational life
    meeting's checklist counts. The same form sent twice (`token`) records it once."""
    authorize(actor, organization, Need.MANAGE, obj=organization, relations=[ORG_SEAT])
    if actor is not None and not can(actor, organization, Need.MANAGE) and (talker is None or talker.user_id != actor.pk):
        raise PermissionDenied  # a committee member records the talks they held themselves
    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Talk, create=lambda: _talk(
        actor=actor, organization=organization, talker=talker, member=member, held_on=held_on, kind=kind,
        note=note, today=_today(today)))


def _talk(*, actor, organization, talker, member, held_on, kind, note, today) -> Talk:
    people = members_on_roll(organization)
    errors = {}
    if talker is None or not people.filter(pk=talker.pk).exists():
        errors["talker"] = _("The talker must be a member of %(org)s.") % {"org": organization.name}
    if member is None or not people.filter(pk=member.pk).exists():
        errors["member"] = _("Only a member of %(org)s can be recorded here.") % {"org": organization.name}
    elif talker is not None and talker.pk == member.pk:
        errors["member"] = _("A talk is between two people; choose someone other than the talker.")
    if held_on is not None and held_on > today:
        errors["held_on"] = _("A talk is recorded once it has been held; the date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    talk = Talk(organization=organization, talker=talker, member=member, held_on=held_on, kind=kind,
                note=(note or "").strip(), recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
    talk.full_clean()
    talk.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=talk, organization=organization,
                 changes={"held_on": ["", str(held_on)], "kind": ["", kind]})
    record_work(kind="talk.held", organization=organization, on=held_on, target=talk, actor=actor,
                # The talker's account: their own duty to hold talks is what the talk proves, not the other's.
                users=[talker.user] if talker.user is not None else [], members=[talker, member],
                payload={"kind": kind},
                label=_in_default_language(gettext_noop("Heart-to-heart talk: %(talk)s"), talk=str(talk)),
                url=reverse("evaluation:talks", kwargs={"pk": organization.pk}) + f"?year={held_on.year}")
    return talk
