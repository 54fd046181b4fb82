"""Writes of recruitment: a person's application, each step recorded by a person, a stop.

The platform computes limits and refuses what the rules forbid (a step out of order, before its earliest day,
after the longest limit; a sponsor who is not a full member), and never records a step by itself. The admission's
approval (step 17) makes the member file, as probationary; the full membership's approval (step 24) updates it,
both through chuxin.members' services.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core import rules as core_rules
from chuxin.core.access import Need, authorize, rank_on
from chuxin.core.attachments import attachments_save
from chuxin.core.models import IdempotencyKey
from chuxin.members import citizen_id
from chuxin.members.models import Member
from chuxin.members.services import member_create, member_update
from chuxin.records.services import record_work

from . import deadlines
from .apps import NOTICE, NOTICE_DAYS
from .models import Applicant, Holiday, RuleSet, StepAttachment, StepRecord, StepRule
from .rulesets import install_shipped

ADULT_AGE = 18


def default_rule_set() -> RuleSet:
    """The rule set in force today: the latest one already effective."""
    found = RuleSet.objects.filter(effective_from__lte=timezone.localdate()).order_by("-effective_from").first()
    if found is None:  # a database that lost the shipped rules (flushed): they are data the platform ships
        install_shipped(RuleSet, StepRule)
        found = RuleSet.objects.filter(effective_from__lte=timezone.localdate()).order_by("-effective_from").first()
    if found is None:
        raise ValidationError(_("No recruitment rules are installed."))
    return found


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def applicant_create(*, actor, organization, citizen_id_number: str, applied_on: datetime.date, token: str = "",
                     **fields: Any) -> Applicant:
    """A person's application (step 1): the pipeline starts with it recorded."""
    authorize(actor, organization, Need.MANAGE)
    if token and getattr(actor, "is_authenticated", False):
        key = IdempotencyKey.objects.filter(user_id=actor.pk, token=token).first()
        made = key.made() if key is not None else None
        if isinstance(made, Applicant):
            return made
    born = fields["birth_date"]
    if _age_on(born, applied_on) < ADULT_AGE:
        raise ValidationError({"applied_on": _("An applicant must be at least 18 years old on the day of the "
                                                "application (Detailed Rules on Recruitment, art. 6).")})
    if applied_on > timezone.localdate():
        raise ValidationError({"applied_on": _("The application date cannot be in the future.")})
    digest = citizen_id.digest(citizen_id_number)
    if Member.objects.filter(citizen_id_digest=digest).exists():
        raise ValidationError({"citizen_id": _("This person already has a member file.")})

    @transaction.atomic
    def create() -> Applicant:
        if Applicant.objects.filter(citizen_id_digest=digest, status=Applicant.Status.ACTIVE).exists():
            raise ValidationError({"citizen_id": _("This person is already in the recruitment pipeline.")})
        applicant = Applicant(organization=organization, organization_path=organization.path,
                              rule_set=default_rule_set(), applied_on=applied_on, **fields)
        applicant.citizen_id_encrypted = citizen_id.encrypt(citizen_id_number)
        applicant.citizen_id_masked = citizen_id.mask(citizen_id_number)
        applicant.citizen_id_digest = digest
        applicant.full_clean()
        try:
            with transaction.atomic():
                applicant.save()
        except IntegrityError as exc:  # the same person sent twice at once
            raise ValidationError({"citizen_id": _("This person is already in the recruitment pipeline.")}) from exc
        first = applicant.rule_set.steps.order_by("number").first()
        _save_step(actor=actor, applicant=applicant, rule=first, on=applied_on, note="")
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=applicant, organization=organization)
        return applicant

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Applicant, create=create)


def holiday_calendar(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    return dict(Holiday.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_workday"))


def notice_end(organization, start: datetime.date) -> datetime.date:
    """The last day of a public notice beginning on `start`, in the organization's working days."""
    days = core_rules.value(NOTICE_DAYS, organization)
    calendar = holiday_calendar(start, start + datetime.timedelta(days=days * 3 + 30))
    return deadlines.working_days_end(start, days, calendar)


def refresh_next(applicant: Applicant, rules: list[StepRule], done: dict[int, datetime.date]) -> None:
    """Keep the next step, its earliest day and the nearest deadline on the row, for the overview, the workbench and
    the reminders. The nearest deadline is that of any step still open whose limit has started (after the vote,
    the approval's three months run while the higher committee's talk is still to come), and of the repeated
    assessment (every six months) while it is open."""
    nxt = deadlines.next_step(rules, done)
    if nxt is None or applicant.status != Applicant.Status.ACTIVE:
        applicant.next_step = applicant.next_due = applicant.next_earliest = None
        return
    applicant.next_step, applicant.next_earliest = nxt.number, nxt.earliest
    last = max(done)
    dues = []
    for rule in rules:
        open_again = rule.repeatable and rule.number in done and _next_after(rules, rule.number) == nxt.number
        if rule.number in done and not open_again:
            continue
        if rule.number < nxt.number and not open_again:
            continue
        if rule.anchor and rule.anchor > last and not open_again:
            continue
        due = deadlines.limits(rule, done)[1]
        if due is not None:
            dues.append(due)
    applicant.next_due = min(dues) if dues else None


def _next_after(rules: list[StepRule], number: int) -> int | None:
    return next((r.number for r in rules if r.number > number), None)


def _check_order(rule: StepRule, rules: list[StepRule], done: dict[int, datetime.date],
                 on: datetime.date | None = None) -> None:
    missing = [r for r in rules if r.number < rule.number and r.number not in done]
    if missing:
        first = missing[0]
        raise ValidationError(_("Step %(n)s (%(name)s) cannot be recorded yet: step %(m)s (%(missing)s) comes "
                                "first.") % {"n": rule.number, "name": rule.display_name, "m": first.number,
                                             "missing": first.display_name}, code="order")
    if rule.number in done:
        later = [n for n in done if n > rule.number]
        if not rule.repeatable or later or done[rule.number] == on:  # a repeated step: once a day (a double click)
            raise ValidationError(_("Step %(n)s (%(name)s) is already recorded.") % {
                "n": rule.number, "name": rule.display_name}, code="done")


def _check_people(rule: StepRule, people: list[Member], applicant: Applicant) -> None:
    if rule.kind not in (StepRule.Kind.CONTACTS, StepRule.Kind.SPONSORS):
        return
    wanted = (2, 2) if rule.kind == StepRule.Kind.SPONSORS else (1, 2)
    if not wanted[0] <= len(people) <= wanted[1]:
        raise ValidationError({"people": _("Choose two sponsors.") if rule.kind == StepRule.Kind.SPONSORS
                               else _("Choose one or two contacts.")})
    for person in people:
        if person.category != Member.Category.FULL or person.status != Member.Status.ACTIVE:
            raise ValidationError({"people": _(
                "%(name)s is not a full member: sponsors and contacts must be full members (Detailed Rules on "
                "Recruitment, art. 11 and 15).") % {"name": person.name}})


def _check_dates(applicant: Applicant, rule: StepRule, on: datetime.date, done: dict[int, datetime.date],
                 *, notice_from, extended_reason: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if done and on < max(done.values()):
        raise ValidationError({"on": _("The date is before the step recorded last (%(day)s).") % {
            "day": f"{max(done.values()):%Y-%m-%d}"}})
    earliest, due, extended = deadlines.limits(rule, done)
    if earliest and on < earliest:
        raise ValidationError({"on": _("Step %(n)s can be recorded from %(day)s on (%(article)s).") % {
            "n": rule.number, "day": f"{earliest:%Y-%m-%d}", "article": rule.article}})
    if extended and on > extended:
        raise ValidationError({"on": _("The longest limit (%(day)s) has passed: the step must be taken anew "
                                       "from the branch general meeting.") % {"day": f"{extended:%Y-%m-%d}"}})
    if extended and due and on > due and not extended_reason.strip():
        raise ValidationError({"extended_reason": _("After %(day)s this step needs the special reason for the "
                                                    "longer limit.") % {"day": f"{due:%Y-%m-%d}"}})
    if rule.notice and core_rules.value(NOTICE, applicant.organization):
        if notice_from is None:
            raise ValidationError({"notice_from": _("This organization's rules want a public notice first: "
                                                    "enter the day it began.")})
        end = notice_end(applicant.organization, notice_from)
        if on <= end:
            raise ValidationError({"notice_from": _("The public notice runs until %(day)s; the step can be "
                                                    "recorded after it.") % {"day": f"{end:%Y-%m-%d}"}})


def _check_training(rule: StepRule, days: int | None, hours: int | None) -> None:
    if rule.kind != StepRule.Kind.TRAINING:
        return
    if (days or 0) >= (rule.min_training_days or 0) and rule.min_training_days:
        return
    if (hours or 0) >= (rule.min_training_hours or 0) and rule.min_training_hours:
        return
    raise ValidationError({"training_days": _("The training must last at least %(days)s days or %(hours)s study "
                                              "hours (Detailed Rules on Recruitment, art. 17).") % {
        "days": rule.min_training_days, "hours": rule.min_training_hours}})


def step_record(*, actor, applicant: Applicant, number: int, on: datetime.date, note: str = "",
                people: Iterable[Member] = (), meeting=None, training_days: int | None = None,
                training_hours: int | None = None, notice_from: datetime.date | None = None,
                extended_reason: str = "", files: Iterable = ()) -> StepRecord:
    """Record step `number` for the person, taken on `on`. Refused out of order, before its earliest day or
    after its longest limit; the admission's approval makes the member file and the full membership's updates it."""
    authorize(actor, applicant.organization, Need.MANAGE)
    with transaction.atomic():
        applicant = Applicant.objects.select_for_update(of=("self",)).select_related(
            "organization", "member").get(pk=applicant.pk)
        if applicant.status != Applicant.Status.ACTIVE:
            raise ValidationError(_("This person's recruitment is closed."))
        rules = list(applicant.rule_set.steps.order_by("number"))
        rule = next((r for r in rules if r.number == number), None)
        if rule is None:
            raise ValidationError(_("There is no such step in these rules."))
        done = deadlines.done_dates(applicant.steps.all())
        _check_order(rule, rules, done, on)
        people = list(people)
        _check_people(rule, people, applicant)
        _check_training(rule, training_days, training_hours)
        _check_dates(applicant, rule, on, done, notice_from=notice_from, extended_reason=extended_reason)
        if meeting is not None and meeting.organization_id != applicant.organization_id:
            raise ValidationError({"meeting": _("Choose a meeting of this person's organization.")})
        record = _save_step(actor=actor, applicant=applicant, rule=rule, on=on, note=note, people=people,
                            meeting=meeting, training_days=training_days, training_hours=training_hours,
                            notice_from=notice_from if rule.notice else None,
                            extended_reason=extended_reason.strip(), rules=rules, done=done)
        attachments_save(StepAttachment, files, uploaded_by=actor if getattr(actor, "pk", None) else None,
                         record=record)
        if rule.kind == StepRule.Kind.ADMIT:
            _admit(actor, applicant, vote=done.get(_vote_step(rules, rule.number)) or on)
        elif rule.kind == StepRule.Kind.CONFIRM:
            _confirm(actor, applicant, rules, done)
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=applicant,
                     organization=applicant.organization,
                     changes={"step": [None, f"{rule.number}. {rule.name} {on:%Y-%m-%d}"]})
    return record


def _vote_step(rules: list[StepRule], number: int) -> int | None:
    """The branch general meeting's vote before step `number` (its anchor: step 15 in the 2014 rules)."""
    rule = next(r for r in rules if r.number == number)
    return rule.anchor


def _save_step(*, actor, applicant: Applicant, rule: StepRule, on: datetime.date, note: str,
               people: list[Member] = (), rules: list[StepRule] | None = None,
               done: dict[int, datetime.date] | None = None, **extra: Any) -> StepRecord:
    record = StepRecord(applicant=applicant, step=rule, number=rule.number, on=on, note=note,
                        recorded_by=actor if getattr(actor, "pk", None) else None, **extra)
    record.full_clean(exclude=["people"])
    record.save()
    if people:
        record.people.set(people)
    rules = rules if rules is not None else list(applicant.rule_set.steps.order_by("number"))
    done = dict(done or {})
    done[rule.number] = on
    applicant.stage = max(applicant.stage, rule.stage)
    applicant.last_step = max(applicant.last_step, rule.number)
    if rule.number == rules[-1].number:
        applicant.status = Applicant.Status.DONE
    refresh_next(applicant, rules, done)
    applicant.save()
    record_work(kind="recruitment_step", organization=applicant.organization, on=on, target=applicant,
                actor=actor, payload={"step": rule.number, "stage": rule.stage},
                key=f"{rule.number}:{on:%Y-%m-%d}" if rule.repeatable else str(rule.number),
                label=f"{applicant.name}: {rule.name}", url=f"/recruitment/{applicant.pk}/",
                members=[applicant.member] if applicant.member_id else ())
    return record


def _admit(actor, applicant: Applicant, *, vote: datetime.date) -> None:
    """The higher committee approved the admission: the person's member file, as a probationary member who joined
    on the day of the branch general meeting's vote."""
    if applicant.member_id:
        return
    try:
        member = member_create(
            actor=actor, citizen_id_number=citizen_id.decrypt(applicant.citizen_id_encrypted),
            organization=applicant.organization, name=applicant.name, gender=applicant.gender,
            ethnicity=applicant.ethnicity, birth_date=applicant.birth_date, phone=applicant.phone,
            joined_on=vote, category=Member.Category.PROBATIONARY, user=applicant.user,
        )
    except ValidationError as error:
        raise ValidationError(_("The member file could not be made: %(why)s") % {
            "why": " ".join(error.messages)}) from error
    applicant.member = member
    applicant.save(update_fields=["member", "updated_at"])


def _confirm(actor, applicant: Applicant, rules: list[StepRule], done: dict[int, datetime.date]) -> None:
    """The higher committee approved the full membership: a full member from the day probation ended."""
    if applicant.member_id is None:
        raise ValidationError(_("This person has no member file yet: record the admission's approval first."))
    admit = next(r for r in rules if r.kind == StepRule.Kind.ADMIT)
    vote = done.get(admit.anchor) or applicant.member.joined_on
    member_update(actor=actor, member=applicant.member, category=Member.Category.FULL,
                  full_member_on=deadlines.probation_ends(vote))


@transaction.atomic
def applicant_stop(*, actor, applicant: Applicant, reason: str) -> Applicant:
    """The person's recruitment ends without admission (withdrawn, not confirmed); the record is kept."""
    authorize(actor, applicant.organization, Need.MANAGE)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    applicant = Applicant.objects.select_for_update(of=("self",)).get(pk=applicant.pk)
    if applicant.status != Applicant.Status.ACTIVE:
        raise ValidationError(_("This person's recruitment is closed."))
    applicant.status = Applicant.Status.STOPPED
    applicant.next_step = applicant.next_due = applicant.next_earliest = None
    applicant.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=applicant,
                 organization=applicant.organization, changes={"status": ["active", "stopped"], "reason": [None, reason[:100]]})
    return applicant


@transaction.atomic
def holiday_set(*, actor, day: datetime.date, name: str, is_workday: bool) -> Holiday:
    """The house's holiday calendar: only those who administer the whole tree keep it."""
    if actor is not None and rank_on(actor, "") < Need.ADMIN:
        raise PermissionDenied
    holiday, _created = Holiday.objects.update_or_create(day=day, defaults={"name": name, "is_workday": is_workday})
    holiday.full_clean()
    return holiday
