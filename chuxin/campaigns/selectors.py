"""Reads for campaigns, study plans and innovation projects, narrowed to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.access import Need, can, fetch, scope_prefixes, scope_q, scope_ranges, standings
from chuxin.core.db import Bound, PreparedExists
from chuxin.core.paths import ancestor_paths, ranges_q, subtree_q
from chuxin.core.protocols import HistoryRow, HistorySection, WorkItem
from chuxin.meetings.models import Attendance
from chuxin.members.models import Member
from chuxin.orgs.models import Organization

from .models import (
    Action,
    ActionDone,
    Call,
    Campaign,
    Participant,
    Project,
    Stage,
    StudyMaterial,
    StudyPlan,
    StudyTopic,
    TopicMeeting,
)

# ---------------------------------------------------------------------------------------------------------------
# Access


def access_campaign(user, pk, *, need: Need) -> Campaign:
    return fetch(user, Campaign.objects.select_related("organization"), pk, need=need)


def access_participant(user, pk, *, need: Need) -> Participant:
    return fetch(user, Participant.objects.select_related("organization", "campaign__organization"), pk, need=need)


def access_plan(user, pk, *, need: Need) -> StudyPlan:
    return fetch(user, StudyPlan.objects.select_related("organization"), pk, need=need)


def access_topic(user, pk, *, need: Need) -> StudyTopic:
    return fetch(user, StudyTopic.objects.select_related("plan__organization"), pk, need=need,
                 organization="plan.organization")


def access_material(user, pk, *, need: Need) -> StudyMaterial:
    return fetch(user, StudyMaterial.objects.select_related("topic__plan__organization"), pk, need=need,
                 organization="topic.plan.organization")


def committees(user, need: Need = Need.MANAGE) -> QuerySet[Organization]:
    """The organizations the user may launch campaigns and calls on: committees and general branches for their
    subtree, a branch for itself (Party groups take part through their branch)."""
    return Organization.objects.filter(scope_q(user, need), status=Organization.Status.ACTIVE).exclude(
        kind=Organization.Kind.PARTY_GROUP).order_by("path")


def plan_organizations(user) -> QuerySet[Organization]:
    return Organization.objects.filter(scope_q(user, Need.MANAGE), status=Organization.Status.ACTIVE).exclude(
        kind=Organization.Kind.PARTY_GROUP).order_by("path")


# ---------------------------------------------------------------------------------------------------------------
# Campaigns


def campaign_list(user) -> QuerySet[Campaign]:
    """Campaigns launched by the organizations the user reads."""
    return Campaign.objects.filter(scope_q(user, Need.READ, "organization_path")).select_related("organization")


def my_checklists(user) -> QuerySet[Participant]:
    """The campaign checklists of the organizations the user stands on (a member reads their branch's)."""
    return (Participant.objects.filter(scope_q(user, Need.PUBLIC, "organization_path"))
            .select_related("campaign", "organization").order_by("-campaign__starts_on", "organization_path"))


@dataclass
class Cell:
    stage_name: str
    done: int
    required: int

    @property
    def complete(self) -> bool:
        return self.required > 0 and self.done >= self.required


@dataclass
class MatrixRow:
    pk: int  # the participation: its checklist's address
    name: str  # the organization's
    cells: list[Cell] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(c.done for c in self.cells)

    @property
    def required(self) -> int:
        return sum(c.required for c in self.cells)


@dataclass
class Matrix:
    stages: list[Stage]
    rows: list[MatrixRow]

    def totals(self) -> list[tuple[Stage, int, int]]:
        """Per stage: how many organizations did every required action, of how many."""
        return [(s, sum(1 for r in self.rows if r.cells[i].complete), len(self.rows))
                for i, s in enumerate(self.stages)]

    @property
    def open_names(self) -> list[str]:
        return [r.name for r in self.rows if r.done < r.required]


def stages_of(campaign: Campaign) -> list[Stage]:
    """The stages with their actions and the number of them (2 queries)."""
    return list(campaign.stages.annotate(required=Count("actions")).prefetch_related("actions"))


def matrix(campaign: Campaign) -> Matrix:
    """The progress matrix, organizations x stages: done / required per cell, for every participating
    organization. Three flat queries whatever the size: the stages with their counts, the participants (id and
    name only), and the ticks counted per (participant, stage); the rows are plain tuples, not model instances."""
    stages = list(campaign.stages.annotate(required=Count("actions")))
    participants = list(campaign.participants.order_by("organization_path").values_list("pk", "organization__name"))
    counts = {(p, s): n for p, s, n in ActionDone.objects.filter(participant__campaign=campaign).order_by()
              .values_list("participant_id", "stage_id").annotate(n=Count("id"))
              .values_list("participant_id", "stage_id", "n")}
    rows = [MatrixRow(pk, name, [Cell(s.name, counts.get((pk, s.pk), 0), s.required) for s in stages])
            for pk, name in participants]
    return Matrix(stages, rows)


def summary_text(campaign: Campaign, grid: Matrix | None = None) -> str:
    """The summary report's draft, written from what was recorded: nobody types a number twice (2 queries beside
    the matrix's)."""
    grid = grid or matrix(campaign)
    lines = [_("%(name)s ran from %(start)s to %(end)s in %(n)s organizations.") % {
        "name": campaign.name, "start": campaign.starts_on, "end": campaign.ends_on, "n": len(grid.rows)}]
    for stage, complete, total in grid.totals():
        lines.append(_("Stage “%(stage)s” (%(start)s to %(end)s): %(done)s of %(total)s organizations did every "
                       "required action.") % {"stage": stage.name, "start": stage.starts_on, "end": stage.ends_on,
                                              "done": complete, "total": total})
    ways = ActionDone.objects.filter(participant__campaign=campaign).aggregate(
        by_hand=Count("id", filter=Q(record_id__isnull=True)), recorded=Count("id", filter=Q(record_id__isnull=False)))
    lines.append(_("%(r)s actions were ticked by the meetings and reports recorded, %(h)s by hand with a note.")
                 % {"r": ways["recorded"], "h": ways["by_hand"]})
    missing = grid.open_names
    if missing:
        lines.append(_("Still open: %(orgs)s.") % {"orgs": "、".join(missing[:30])})
    return "\n".join(lines)


@dataclass
class CheckItem:
    action: Action
    done: ActionDone | None


def checklist(participant: Participant) -> list[tuple[Stage, list[CheckItem]]]:
    """The organization's checklist: each stage's required actions and how they were done (3 queries)."""
    stages = list(participant.campaign.stages.prefetch_related("actions"))
    done = {d.action_id: d for d in ActionDone.objects.filter(participant=participant).select_related("done_by")}
    return [(s, [CheckItem(a, done.get(a.pk)) for a in s.actions.all()]) for s in stages]


# ---------------------------------------------------------------------------------------------------------------
# Study plans


def plan_list(user) -> QuerySet[StudyPlan]:
    return StudyPlan.objects.filter(scope_q(user, Need.PUBLIC, "organization_path")).select_related(
        "organization").annotate(n_topics=Count("topics"), n_delivered=Count(
            "topics", filter=Q(topics__delivered_on__isnull=False))).order_by("-year", "organization_path", "pk")


def plan_topics(plan: StudyPlan) -> list[StudyTopic]:
    """The topics with their materials and linked meetings (3 queries)."""
    return list(plan.topics.prefetch_related("materials", "meeting_links__meeting"))


def topic_attendance(topic: StudyTopic) -> list[tuple[TopicMeeting, list[Attendance]]]:
    """Each meeting that studied the topic and who attended it, from the meeting's attendance (2 queries)."""
    links = list(topic.meeting_links.select_related("meeting__organization"))
    rows: dict[int, list[Attendance]] = {}
    for a in (Attendance.objects.filter(meeting__in=[link.meeting_id for link in links],
                                        state__in=Attendance.ATTENDED).select_related("member")
              .order_by("member__name_pinyin", "pk")):
        rows.setdefault(a.meeting_id, []).append(a)
    return [(link, rows.get(link.meeting_id, [])) for link in links]


# ---------------------------------------------------------------------------------------------------------------
# Innovation projects


def call_list(user) -> QuerySet[Call]:
    """The calls of every committee above or at an organization the user stands on (a member proposes to them)."""
    paths = {s.path for s in standings(user)}
    if any(p == "" for p in paths):
        q = Q()
    else:
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(organization_path__in=[*ancestor_paths(path), path]) | subtree_q(path, "organization_path")
    return Call.objects.filter(q).select_related("organization").annotate(n_projects=Count("projects")).order_by(
        "-year", "-pk")


def project_list(user, *, state: str = "", call: Call | None = None) -> QuerySet[Project]:
    """The projects the user reads: those of their scope, those they are on the team of, those they review."""
    q = scope_q(user, Need.READ, "organization_path")
    if user.is_authenticated:
        q |= Q(leader__user=user) | Q(team__user=user) | Q(call__reviewers=user)
    qs = Project.objects.filter(q)
    if state:
        qs = qs.filter(state=state)
    if call is not None:
        qs = qs.filter(call=call)
    return qs.select_related("organization", "leader", "call").distinct()


def portfolio(projects: QuerySet[Project]) -> list[tuple[str, str, int]]:
    """Counts by state for the portfolio's tabs (1 query)."""
    counts = dict(projects.order_by().values_list("state").annotate(n=Count("id", distinct=True)))
    return [(value, label, counts.get(value, 0)) for value, label in Project.State.choices]


def team_choices(call: Call) -> QuerySet[Member]:
    return Member.objects.filter(subtree_q(call.organization_path, "organization__path"),
                                 status=Member.Status.ACTIVE).only("id", "name", "name_pinyin", "organization_id") \
        .order_by("name_pinyin", "id")


def project_reviews(project: Project):
    return list(project.reviews.select_related("reviewer"))


# ---------------------------------------------------------------------------------------------------------------
# Workbench and member file


def _to_review(user) -> QuerySet[Project]:
    return Project.objects.filter(call__reviewers=user, state=Project.State.SUBMITTED).exclude(
        reviews__reviewer=user)


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`): projects to review, and where the user
    manages, the running campaigns' participants and the projects to decide."""
    if not user.is_authenticated:
        return []
    bounds = scope_ranges(user, Need.MANAGE)
    return [_PROBE.bind(user.pk), *([_MANAGED_PROBE.bind(bounds)] if bounds else [])]


# Where the user manages: the running campaigns' participants, the projects to decide (workbench_items' scope parts).
_MANAGED_PROBE = PreparedExists(lambda bounds: (
    Participant.objects.filter(ranges_q(bounds, "organization_path"), campaign__status=Campaign.Status.RUNNING),
    Project.objects.filter(ranges_q(bounds, "call__organization_path"), state=Project.State.SUBMITTED)))


_PROBE = PreparedExists(_to_review)


def workbench_items(user) -> list[WorkItem]:
    """Open campaign stages of the organizations the user manages (a stage ending within 30 days or already
    running, with actions not done), projects to review, projects to decide. Four queries."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    items: list[WorkItem] = []
    if scope_prefixes(user, Need.MANAGE):
        parts = list(Participant.objects.filter(scope_q(user, Need.MANAGE, "organization_path"),
                                                campaign__status=Campaign.Status.RUNNING)
                     .select_related("campaign", "organization")[:200])
        if parts:
            stages = list(Stage.objects.filter(campaign__in={p.campaign_id for p in parts}, starts_on__lte=today
                                               + datetime.timedelta(days=30), ends_on__gte=today)
                          .annotate(required=Count("actions")))
            done = {(p, s): n for p, s, n in ActionDone.objects.filter(participant__in=parts).values_list(
                "participant_id", "stage_id").annotate(n=Count("id")).values_list("participant_id", "stage_id", "n")}
            for p in parts:
                for s in stages:
                    if s.campaign_id == p.campaign_id and done.get((p.pk, s.pk), 0) < s.required:
                        items.append(WorkItem(
                            kind="campaign", title=f"{p.campaign.name}·{s.name}",
                            url=reverse("campaigns:checklist", args=[p.pk]), due=s.ends_on,
                            state=_("%(done)s of %(n)s done") % {"done": done.get((p.pk, s.pk), 0), "n": s.required},
                            organization=p.organization.name, uid=f"campaign-{p.pk}-{s.pk}@chuxin"))
    for project in _to_review(user).select_related("call", "organization").distinct()[:50]:
        items.append(WorkItem(kind="innovation", title=project.title, url=project.get_absolute_url(),
                              due=None, state=_("to review"), organization=project.organization.name,
                              uid=f"innovation-review-{project.pk}@chuxin"))
    if scope_prefixes(user, Need.MANAGE):
        for project in Project.objects.filter(scope_q(user, Need.MANAGE, "call__organization_path"),
                                              state=Project.State.SUBMITTED).select_related("call", "organization"
                                                                                            )[:50]:
            items.append(WorkItem(kind="innovation", title=project.title, url=project.get_absolute_url(), due=None,
                                  state=_("to decide"), organization=project.organization.name,
                                  uid=f"innovation-decide-{project.pk}@chuxin"))
    return items


def member_history(member: Member, user) -> list[HistorySection]:
    """Innovation projects the member led or was on the team of (1 query)."""
    projects = list(Project.objects.filter(Q(leader=member) | Q(team=member)).exclude(
        state__in=[Project.State.REJECTED]).select_related("organization").distinct().order_by("-created_at"))
    if not projects:
        return []
    rows = []
    for p in projects:
        url = p.get_absolute_url() if can(user, p.organization, Need.READ) or (
            member.user_id is not None and member.user_id == user.pk) else ""
        role = _("leader") if p.leader_id == member.pk else _("team member")
        note = p.get_state_display() + (f" · {p.get_award_display()}" if p.award else "")
        rows.append(HistoryRow(date=p.ended_on or p.created_at.date(), text=f"{p.title}（{role}）", url=url,
                               note=str(note)))
    return [HistorySection(title=_("Innovation projects"), rows=rows, order=80)]
