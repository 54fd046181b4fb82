"""Writes for campaigns, study plans and innovation projects.

Each service checks its actor itself (chuxin.core.access.authorize), validates, writes in one transaction with its
audit entry, and writes a work record when a piece of work is done: a campaign action (ticked by a meeting or a
report's record, or by hand), a study topic delivered, a project delivered. Create forms carry a one-time token,
so a double submit makes one object; a tick sent twice finds the tick already there.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core.access import Need, authorize
from chuxin.core.attachments import attachments_save
from chuxin.core.models import IdempotencyKey
from chuxin.core.paths import ancestor_paths, is_in_subtree, subtree_q
from chuxin.meetings.models import Attendance, Kind, Meeting
from chuxin.members.models import Member
from chuxin.members.selectors import own_member
from chuxin.orgs.models import Organization
from chuxin.records.selectors import records_in
from chuxin.records.services import record_work

from .access import TEAM, is_reviewer, on_team
from .models import (
    Action,
    ActionDone,
    Call,
    Campaign,
    Milestone,
    Participant,
    Project,
    Review,
    Stage,
    StudyMaterial,
    StudyPlan,
    StudyTopic,
    TopicMeeting,
    Update,
)

# The meeting kinds a campaign stage may require (the meetings app's own kinds).
MEETING_KINDS = (Kind.THEMED_DAY, Kind.GROUP, Kind.GENERAL, Kind.LECTURE, Kind.COMMITTEE, Kind.LIFE)


def _today(today: datetime.date | None = None) -> datetime.date:
    return today or timezone.localdate()


def _in_default_language(text) -> str:
    """A title the platform writes (an action's name) is stored as written, like the titles people type."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


# ---------------------------------------------------------------------------------------------------------------
# Campaigns


def campaign_participants_default(organization: Organization) -> list[Organization]:
    """The active branches of the committee's subtree: who takes part unless the committee chooses. A branch
    that launches a campaign of its own takes part itself."""
    if organization.is_branch:
        return [organization]
    return list(Organization.objects.filter(subtree_q(organization.path), kind__in=Organization.BRANCH_KINDS,
                                            status=Organization.Status.ACTIVE).exclude(pk=organization.pk)
                .order_by("path"))


@transaction.atomic
def campaign_launch(*, actor, organization: Organization, name: str, starts_on: datetime.date,
                    ends_on: datetime.date, description: str = "", organizations: Iterable[Organization] = (),
                    token: str = "") -> Campaign:
    """Launch a campaign for the committee's subtree (its active branches, or the organizations chosen among
    them). Stages are added next; the same form sent twice launches it once."""
    authorize(actor, organization, Need.MANAGE)
    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Campaign, create=lambda: _launch(
        actor=actor, organization=organization, name=name, starts_on=starts_on, ends_on=ends_on,
        description=description, organizations=list(organizations)))


def _launch(*, actor, organization, name, starts_on, ends_on, description, organizations) -> Campaign:
    if not organization.is_active:
        raise ValidationError(_("%(org)s is deactivated.") % {"org": organization.name})
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})
    chosen = organizations or campaign_participants_default(organization)
    for org in chosen:
        if (org.pk == organization.pk and not org.is_branch) or not is_in_subtree(org.path, organization.path):
            raise ValidationError({"organizations": _("%(org)s is not under %(committee)s.") % {
                "org": org.name, "committee": organization.name}})
    if not chosen:
        raise ValidationError({"organizations": _("There is no branch under %(org)s to take part.") % {
            "org": organization.name}})
    campaign = Campaign(organization=organization, organization_path=organization.path, name=name,
                        description=description, starts_on=starts_on, ends_on=ends_on,
                        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    campaign.full_clean()
    campaign.save()
    Participant.objects.bulk_create(Participant(campaign=campaign, organization=org, organization_path=org.path)
                                    for org in chosen)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=campaign, organization=organization,
                 changes={"name": name, "participants": len(chosen)})
    return campaign


@transaction.atomic
def stage_add(*, actor, campaign: Campaign, name: str, starts_on: datetime.date, ends_on: datetime.date,
              meeting_kinds: Iterable[str] = (), report: bool = False, manual: Iterable[str] = (),
              token: str = "") -> Stage:
    """Add a stage with its required actions; a stage lies inside the campaign's period. The records already
    written in the stage (a themed Party day held before the stage was added) tick it at once. The same form
    sent twice adds it once."""
    authorize(actor, campaign.organization, Need.MANAGE)
    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Stage, create=lambda: _stage_add(
        actor=actor, campaign=campaign, name=name, starts_on=starts_on, ends_on=ends_on,
        meeting_kinds=meeting_kinds, report=report, manual=manual))


def _stage_add(*, actor, campaign, name, starts_on, ends_on, meeting_kinds, report, manual) -> Stage:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_running:
        raise ValidationError(_("The campaign has ended; its stages can no longer change."))
    errors = {}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("A stage cannot end before it starts.")
    if starts_on and not (campaign.starts_on <= starts_on <= campaign.ends_on):
        errors["starts_on"] = _("The stage must lie within the campaign's period, %(start)s to %(end)s.") % {
            "start": campaign.starts_on, "end": campaign.ends_on}
    if ends_on and not (campaign.starts_on <= ends_on <= campaign.ends_on):
        errors["ends_on"] = _("The stage must lie within the campaign's period, %(start)s to %(end)s.") % {
            "start": campaign.starts_on, "end": campaign.ends_on}
    kinds = [k for k in dict.fromkeys(meeting_kinds) if k in MEETING_KINDS]
    manual = [line.strip()[:200] for line in manual if line.strip()]
    if not (kinds or report or manual):
        errors["meeting_kinds"] = _("Choose at least one required action for the stage.")
    if errors:
        raise ValidationError(errors)
    position = campaign.stages.count() + 1
    stage = Stage(campaign=campaign, position=position, name=name, starts_on=starts_on, ends_on=ends_on)
    stage.full_clean()
    stage.save()
    actions = [Action(stage=stage, kind=Action.Kind.MEETING, meeting_kind=k, title=_in_default_language(
        Kind(k).label)) for k in kinds]
    if report:
        actions.append(Action(stage=stage, kind=Action.Kind.REPORT, title=_in_default_language(
            Action.Kind.REPORT.label)))
    actions += [Action(stage=stage, kind=Action.Kind.MANUAL, title=line) for line in manual]
    for action in actions:
        action.full_clean(exclude=["stage"])
    Action.objects.bulk_create(actions)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=campaign, organization=campaign.organization,
                 changes={"stage": f"{name}（{starts_on:%Y-%m-%d}–{ends_on:%Y-%m-%d}）",
                          "actions": [a.title for a in actions]})
    _backfill(stage)
    return stage


def _action_kind_of(record) -> tuple[str, str]:
    if record.kind == "meeting_held":
        return Action.Kind.MEETING, (record.payload or {}).get("kind", "")
    return Action.Kind.REPORT, ""


def _done(action: Action, participant: Participant, *, on: datetime.date, record=None, note: str = "",
          actor=None, label: str = "", url: str = "") -> ActionDone | None:
    """Write the tick once (a race or a retry finds it there) and its work record; None when it was there."""
    try:
        with transaction.atomic():
            done = ActionDone.objects.create(
                action=action, participant=participant, stage_id=action.stage_id, done_on=on, note=note,
                record_id=record.pk if record is not None else None, label=label[:200], url=url[:300],
                done_by=actor if getattr(actor, "is_authenticated", False) else None)
    except IntegrityError:
        return None
    stage = action.stage
    record_work(kind="campaign.action_done", organization=participant.organization, on=on, target=done,
                actor=actor, label=f"{stage.campaign.name}·{stage.name}：{action.title}"[:200],
                url=participant.get_absolute_url(),
                payload={"campaign": stage.campaign_id, "stage": stage.name, "by_hand": record is None})
    return done


def tick_from_record(record) -> None:
    """Consumer of meeting_held and report_filed: tick the matching required actions of the running campaigns
    the record's organization (or the branch above its Party group) takes part in, in stages covering its date."""
    kind, meeting_kind = _action_kind_of(record)
    paths = [*ancestor_paths(record.organization_path), record.organization_path]
    participants = list(Participant.objects.filter(
        organization_path__in=paths, campaign__status=Campaign.Status.RUNNING).select_related("organization"))
    if not participants:
        return
    actions = Action.objects.filter(
        stage__campaign__in={p.campaign_id for p in participants}, kind=kind, stage__starts_on__lte=record.on,
        stage__ends_on__gte=record.on).select_related("stage__campaign")
    if kind == Action.Kind.MEETING:
        actions = actions.filter(meeting_kind=meeting_kind)
    by_campaign: dict[int, list[Participant]] = {}
    for p in participants:
        by_campaign.setdefault(p.campaign_id, []).append(p)
    for action in actions:
        for participant in by_campaign.get(action.stage.campaign_id, []):
            _done(action, participant, on=record.on, record=record, actor=record.actor, label=record.label,
                  url=record.url)


def _backfill(stage: Stage) -> None:
    """Tick a new stage from the records already written within its dates (one query for the records)."""
    actions = list(stage.actions.exclude(kind=Action.Kind.MANUAL).select_related("stage__campaign"))
    if not actions:
        return
    participants = list(stage.campaign.participants.select_related("organization"))
    by_path = {p.organization_path: p for p in participants}
    records = records_in(stage.campaign.organization, kinds=["meeting_held", "report_filed"],
                         start=stage.starts_on, end=stage.ends_on).order_by("on", "pk")
    for record in records:
        kind, meeting_kind = _action_kind_of(record)
        participant = next((by_path[p] for p in [record.organization_path, *ancestor_paths(
            record.organization_path)[::-1]] if p in by_path), None)
        if participant is None:
            continue
        for action in actions:
            if action.kind == kind and (kind != Action.Kind.MEETING or action.meeting_kind == meeting_kind):
                _done(action, participant, on=record.on, record=record, actor=record.actor, label=record.label,
                      url=record.url)


@transaction.atomic
def action_tick(*, actor, participant: Participant, action: Action, note: str,
                done_on: datetime.date | None = None) -> ActionDone:
    """Tick an action by hand with a note (a rectification list drawn up, a meeting held off the platform)."""
    authorize(actor, participant.organization, Need.MANAGE)
    campaign = Campaign.objects.select_for_update().get(pk=participant.campaign_id)
    if action.stage.campaign_id != campaign.pk:
        raise ValidationError(_("That action is not part of this campaign."))
    if not campaign.is_running:
        raise ValidationError(_("The campaign has ended; its checklist can no longer change."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say in a note what was done.")})
    on = done_on or _today()
    if on > _today():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    done = _done(action, participant, on=on, note=note[:500], actor=actor)
    if done is None:
        raise ValidationError(_("This action is already ticked."))
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=campaign, organization=participant.organization,
                 changes={"action": action.title, "note": note[:500]})
    return done


@transaction.atomic
def campaign_end(*, actor, campaign: Campaign, summary: str) -> Campaign:
    """End the campaign with its summary (the page pre-fills it from what was recorded)."""
    authorize(actor, campaign.organization, Need.MANAGE)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_running:
        return campaign  # a second click ends nothing twice
    campaign.summary = (summary or "").strip()
    if not campaign.summary:
        raise ValidationError({"summary": _("Write the summary, or keep the one prepared from the records.")})
    campaign.status = Campaign.Status.ENDED
    campaign.ended_on = _today()
    campaign.full_clean()
    campaign.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=campaign, organization=campaign.organization,
                 changes={"status": [Campaign.Status.RUNNING, Campaign.Status.ENDED]})
    return campaign


# ---------------------------------------------------------------------------------------------------------------
# Study plans


@transaction.atomic
def plan_create(*, actor, organization: Organization, year: int, title: str, token: str = "") -> StudyPlan:
    authorize(actor, organization, Need.MANAGE)

    def create() -> StudyPlan:
        if StudyPlan.objects.filter(organization=organization, year=year).exists():
            raise ValidationError({"year": _("%(org)s already has a study plan for %(year)s.") % {
                "org": organization.name, "year": year}})
        plan = StudyPlan(organization=organization, organization_path=organization.path, year=year, title=title,
                         created_by=actor if getattr(actor, "is_authenticated", False) else None)
        plan.full_clean()
        plan.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=plan, organization=organization,
                     changes={"year": year, "title": title})
        return plan

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=StudyPlan, create=create)


@transaction.atomic
def topic_add(*, actor, plan: StudyPlan, month: int, title: str, description: str = "", links: str = "",
              attachments=(), token: str = "") -> StudyTopic:
    authorize(actor, plan.organization, Need.MANAGE)

    def create() -> StudyTopic:
        bad = [line for line in links.splitlines() if line.strip() and not line.strip().startswith(
            ("http://", "https://"))]
        if bad:
            raise ValidationError({"links": _("Each link must start with http:// or https://: %(line)s") % {
                "line": bad[0][:100]}})
        topic = StudyTopic(plan=plan, month=month, title=title, description=description, links=links)
        topic.full_clean()
        topic.save()
        attachments_save(StudyMaterial, attachments, uploaded_by=actor if getattr(
            actor, "is_authenticated", False) else None, topic=topic)
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=plan, organization=plan.organization,
                     changes={"month": month, "topic": title})
        return topic

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=StudyTopic, create=create)


def meetings_to_link(topic: StudyTopic):
    """The organization's (and its Party groups') finalized meetings of the plan's year, newest first."""
    return (Meeting.objects.filter(subtree_q(topic.plan.organization_path, "organization_path"),
                                   status=Meeting.Status.FINALIZED, held_on__year=topic.plan.year)
            .exclude(pk__in=topic.meeting_links.values("meeting_id")).order_by("-held_on", "-pk"))


@transaction.atomic
def topic_link_meeting(*, actor, topic: StudyTopic, meeting: Meeting) -> TopicMeeting:
    """Say a finalized meeting studied the topic; the first one delivers it (a work record naming who attended)."""
    plan = topic.plan
    authorize(actor, plan.organization, Need.MANAGE)
    topic = StudyTopic.objects.select_for_update().get(pk=topic.pk)
    if not (is_in_subtree(meeting.organization_path, plan.organization_path)
            and meeting.status == Meeting.Status.FINALIZED and meeting.held_on
            and meeting.held_on.year == plan.year):
        raise ValidationError({"meeting": _("Choose a meeting of %(org)s held in %(year)s whose record is "
                                            "finalized.") % {"org": plan.organization.name, "year": plan.year}})
    link, created = TopicMeeting.objects.get_or_create(
        topic=topic, meeting=meeting,
        defaults={"linked_by": actor if getattr(actor, "is_authenticated", False) else None})
    if not created:
        return link
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=plan, organization=plan.organization,
                 changes={"topic": topic.title, "meeting": meeting.title})
    if topic.delivered_on is None:
        topic.delivered_on = meeting.held_on
        topic.save(update_fields=["delivered_on"])
        present = [row.member for row in meeting.attendances.filter(
            state__in=Attendance.ATTENDED).select_related("member")]
        record_work(kind="study.topic_delivered", organization=plan.organization, on=meeting.held_on, target=topic,
                    actor=actor, members=present, users=[m.user for m in present if m.user_id],
                    label=f"{plan.year}·{topic.month}：{topic.title}"[:200], url=plan.get_absolute_url(),
                    payload={"year": plan.year, "month": topic.month})
    return link


# ---------------------------------------------------------------------------------------------------------------
# Innovation projects


@transaction.atomic
def call_open(*, actor, organization: Organization, year: int, title: str, closes_on: datetime.date,
              description: str = "", reviews_needed: int = 2, reviewers: Iterable = (), token: str = "") -> Call:
    authorize(actor, organization, Need.MANAGE)

    def create() -> Call:
        if Call.objects.filter(organization=organization, year=year).exists():
            raise ValidationError({"year": _("%(org)s already has a call for projects for %(year)s.") % {
                "org": organization.name, "year": year}})
        people = list(reviewers)
        if len(people) < reviews_needed:
            raise ValidationError({"reviewers": _("Name at least %(n)s reviewers: approval needs %(n)s reviews.")
                                   % {"n": reviews_needed}})
        call = Call(organization=organization, organization_path=organization.path, year=year, title=title,
                    closes_on=closes_on, description=description, reviews_needed=reviews_needed)
        call.full_clean()
        call.save()
        call.reviewers.set(people)
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=call, organization=organization,
                     changes={"year": year, "title": title, "reviewers": len(people)})
        return call

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Call, create=create)


def my_member_file(user) -> Member | None:
    return own_member(user)


@transaction.atomic
def project_propose(*, actor, call: Call, title: str, problem: str, goal: str, expected_result: str,
                    team: Iterable[Member] = (), mentor: str = "", staff: str = "", token: str = "",
                    today: datetime.date | None = None) -> Project:
    """A member of the committee's subtree proposes a project and leads it; the team are member files there."""
    leader = my_member_file(actor)
    if leader is None or not is_in_subtree(leader.organization.path, call.organization_path):
        raise PermissionDenied

    def create() -> Project:
        if _today(today) > call.closes_on:
            raise ValidationError(_("The call closed on %(date)s; proposals are no longer taken.") % {
                "date": call.closes_on})
        members = [m for m in team if m.pk != leader.pk]
        for m in members:
            if not is_in_subtree(m.organization.path, call.organization_path):
                raise ValidationError({"team": _("%(name)s is not a member under %(org)s.") % {
                    "name": m.name, "org": call.organization.name}})
        project = Project(call=call, organization=leader.organization, organization_path=leader.organization.path,
                          title=title, problem=problem, goal=goal, expected_result=expected_result, leader=leader,
                          mentor=mentor, staff=staff, proposed_by=actor)
        project.full_clean()
        project.save()
        project.team.set(members)
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=project, organization=leader.organization,
                     changes={"title": title, "team": len(members)})
        return project

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Project, create=create)


def _lock(project: Project) -> Project:
    return (Project.objects.select_for_update(of=("self",))
            .select_related("call__organization", "organization", "leader").get(pk=project.pk))


@transaction.atomic
def project_review(*, actor, project: Project, score: int, comment: str) -> Review:
    project = _lock(project)
    if not is_reviewer(actor, project.call) or on_team(actor, project):
        raise PermissionDenied
    if project.state != Project.State.SUBMITTED:
        raise ValidationError(_("Only a submitted project is reviewed."))
    if score is None or not (0 <= score <= 100):
        raise ValidationError({"score": _("Give a score from 0 to 100.")})
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Write a comment with the score.")})
    if Review.objects.filter(project=project, reviewer=actor).exists():
        raise ValidationError(_("You have already reviewed this project."))
    review = Review(project=project, reviewer=actor, score=score, comment=comment.strip())
    review.full_clean()
    review.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=project, organization=project.organization,
                 changes={"score": score})
    return review


@transaction.atomic
def project_decide(*, actor, project: Project, approve: bool, note: str = "") -> Project:
    """The committee approves (after the reviews the call needs) or rejects a submitted project."""
    authorize(actor, project.call.organization, Need.MANAGE)
    project = _lock(project)
    target = Project.State.APPROVED if approve else Project.State.REJECTED
    if project.state == target:
        return project
    if project.state != Project.State.SUBMITTED:
        raise ValidationError(_("Only a submitted project is approved or rejected."))
    reviews = project.reviews.count()
    if approve and reviews < project.call.reviews_needed:
        raise ValidationError(_("Approval needs %(n)s reviews; %(m)s are in.") % {
            "n": project.call.reviews_needed, "m": reviews})
    if not approve and not (note or "").strip():
        raise ValidationError({"note": _("Say why the project is rejected.")})
    project.state, project.decision_note = target, (note or "").strip()[:500]
    project.save(update_fields=["state", "decision_note", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=project, organization=project.organization,
                 changes={"state": [Project.State.SUBMITTED, target]})
    return project


def _may_run(actor, project: Project) -> None:
    authorize(actor, project.organization, Need.MANAGE, obj=project, relations=[TEAM])


@transaction.atomic
def project_start(*, actor, project: Project) -> Project:
    _may_run(actor, project)
    project = _lock(project)
    if project.state == Project.State.RUNNING:
        return project
    if project.state != Project.State.APPROVED:
        raise ValidationError(_("Only an approved project can start."))
    project.state = Project.State.RUNNING
    project.save(update_fields=["state", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=project, organization=project.organization,
                 changes={"state": [Project.State.APPROVED, Project.State.RUNNING]})
    return project


def _open_for_work(project: Project) -> None:
    if project.state not in (Project.State.APPROVED, Project.State.RUNNING):
        raise ValidationError(_("Milestones and progress are kept while the project is approved or running."))


@transaction.atomic
def milestone_add(*, actor, project: Project, title: str, due_on: datetime.date, token: str = "") -> Milestone:
    _may_run(actor, project)

    def create() -> Milestone:
        locked = _lock(project)
        _open_for_work(locked)
        milestone = Milestone(project=locked, title=title, due_on=due_on)
        milestone.full_clean()
        milestone.save()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=locked, organization=locked.organization,
                     changes={"milestone": title, "due_on": str(due_on)})
        return milestone

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Milestone, create=create)


@transaction.atomic
def milestone_done(*, actor, milestone: Milestone) -> Milestone:
    project = milestone.project
    _may_run(actor, project)
    project = _lock(project)
    _open_for_work(project)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_on is None:
        milestone.done_on = _today()
        milestone.save(update_fields=["done_on"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=project,
                     organization=project.organization, changes={"milestone": milestone.title})
    return milestone


@transaction.atomic
def update_add(*, actor, project: Project, text: str, token: str = "") -> Update:
    _may_run(actor, project)

    def create() -> Update:
        locked = _lock(project)
        _open_for_work(locked)
        if not (text or "").strip():
            raise ValidationError({"text": _("Write what has been done.")})
        update = Update(project=locked, text=text.strip(), author=actor if getattr(
            actor, "is_authenticated", False) else None)
        update.full_clean()
        update.save()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=locked, organization=locked.organization,
                     changes={"progress": text[:200]})
        return update

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Update, create=create)


@transaction.atomic
def project_close(*, actor, project: Project, delivered: bool, evaluation: str, award: str = "") -> Project:
    """The committee closes a running project: delivered (with its evaluation and award level, and a work record
    for its team) or stopped."""
    authorize(actor, project.call.organization, Need.MANAGE)
    project = _lock(project)
    target = Project.State.DELIVERED if delivered else Project.State.STOPPED
    if project.state == target:
        return project
    if project.state != Project.State.RUNNING:
        raise ValidationError(_("Only a running project is delivered or stopped."))
    if not (evaluation or "").strip():
        raise ValidationError({"evaluation": _("Write the committee's evaluation of the project.")})
    if award not in Project.Award.values or (award and not delivered):
        raise ValidationError({"award": _("Only a delivered project receives an award level.")})
    project.state, project.evaluation, project.award = target, evaluation.strip(), award
    project.ended_on = _today()
    project.full_clean()
    project.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=project, organization=project.organization,
                 changes={"state": [Project.State.RUNNING, target], "award": award})
    if delivered:
        team = [project.leader, *project.team.all()]
        record_work(kind="innovation.delivered", organization=project.organization, on=project.ended_on,
                    target=project, actor=actor, members=team, users=[m.user for m in team if m.user_id],
                    label=project.title, payload={"award": award})
    return project

