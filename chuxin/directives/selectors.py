"""Reads of directives, always narrowed to what the user may see.

"From above" (上级交办): the inbox and the workbench show the rows of directives whose sender lies outside the
user's own reach; what a user's own organizations sent is followed on the sent list and the matrix instead,
so a Party-affairs worker is not asked to act on the directives they sent to their branches.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as noop

from chuxin.core.access import Need, fetch, require, scope_prefixes, scope_q
from chuxin.core.paths import subtree_q
from chuxin.core.protocols import Fact, WorkItem
from chuxin.orgs.models import Organization
from chuxin.plans.selectors import origin_counts, tasks_of_origin

from .models import Directive, DirectiveAction, DirectiveRecipient

State = DirectiveRecipient.State


# ---------------------------------------------------------------------------------------------------------------
# Single objects: fetched through the access policy (404 out of scope, 403 too weak a role).


def access_directive(user, pk, *, need: Need) -> Directive:
    """A directive as its sender sees it: the need is on the sending organization."""
    return fetch(user, Directive.objects.select_related("sender", "created_by"), pk, need=need, organization="sender")


def access_recipient(user, pk, *, need: Need) -> DirectiveRecipient:
    """One recipient's row as that organization sees it: the need is on the receiving organization only, so a
    branch never reaches a sibling's row or the sender's matrix."""
    recipient = (
        DirectiveRecipient.objects.select_related(
            "directive__sender", "organization", "acknowledged_by", "completed_by"
        )
        .filter(pk=pk)
        .first()
    )
    if recipient is None:
        raise Http404
    require(user, recipient.organization, need)
    return recipient


def access_action(user, pk, *, need: Need) -> DirectiveAction:
    action = (
        DirectiveAction.objects.select_related("recipient__organization", "recipient__directive")
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise Http404
    require(user, action.recipient.organization, need)
    return action


# ---------------------------------------------------------------------------------------------------------------
# The sender's matrix


def behind_q(directive: Directive, today: datetime.date) -> Q:
    """Rows of one directive that are behind: not completed, and past the due date or not yet acknowledged."""
    if directive.due_on < today:
        return ~Q(state=State.COMPLETED)
    return Q(state=State.SENT)


def behind_q_any(today: datetime.date, prefix: str = "") -> Q:
    """The same for rows of many directives (`prefix` reaches the recipient row from another model)."""
    return ~Q(**{f"{prefix}state": State.COMPLETED}) & (
        Q(**{f"{prefix}state": State.SENT}) | Q(**{f"{prefix}directive__due_on__lt": today})
    )


def directive_counts(directive: Directive, today: datetime.date) -> dict[str, int]:
    """Recipients per state, behind and total, in one aggregate query."""
    counts = directive.recipients.aggregate(
        total=Count("id"),
        behind=Count("id", filter=behind_q(directive, today)),
        **{state.value: Count("id", filter=Q(state=state)) for state in State},
    )
    return counts


MATRIX_FILTERS = ("behind", *State.values)


def directive_matrix(directive: Directive, *, today: datetime.date, show: str = "") -> QuerySet[DirectiveRecipient]:
    """Every recipient row with its organization, in tree order, each marked behind or not and with how many of
    the tasks it made of the directive are done out of how many (one query a page)."""
    behind = behind_q(directive, today)
    rows = DirectiveRecipient.objects.filter(directive=directive)
    if show == "behind":
        rows = rows.filter(behind)
    elif show in State.values:
        rows = rows.filter(state=show)
    return (
        rows.select_related("organization", "acknowledged_by", "completed_by")  # who did it, for the phone cards
        .only(
            "id", "state", "acknowledged_at", "completed_at", "answer", "reminded_at", "reminder_count",
            "directive_id", "organization__id", "organization__name", "organization__code", "organization__path",
            *(f"{who}__{field}" for who in ("acknowledged_by", "completed_by")
              for field in ("id", "username", "display_name", "first_name", "last_name")),
        )
        .annotate(
            behind=Case(When(behind, then=Value(True)), default=Value(False), output_field=BooleanField()),
            **origin_counts("directives.directiverecipient"),
        )
        .order_by("organization__path")
    )


def directive_sent_list(user) -> QuerySet[Directive]:
    """Directives sent by organizations the user may read, with their progress counts (one query)."""
    return (
        Directive.objects.filter(scope_q(user, Need.READ, "sender__path"))
        .select_related("sender")
        .annotate(
            total=Count("recipients"),
            completed=Count("recipients", filter=Q(recipients__state=State.COMPLETED)),
            unacknowledged=Count("recipients", filter=Q(recipients__state=State.SENT)),
        )
        .order_by("-created_at", "-id")
    )


# ---------------------------------------------------------------------------------------------------------------
# The recipients' side


def _from_above_q(user) -> Q:
    """Rows of directives sent from outside the user's reach."""
    prefixes = scope_prefixes(user, Need.READ)
    if prefixes == [""]:
        return Q(pk__in=[])  # the superuser reaches every sender: everything is on the sent list
    if not prefixes:
        return Q()
    return ~scope_q(user, Need.READ, "directive__sender__path")


def inbox_list(user, *, show: str = "open") -> QuerySet[DirectiveRecipient]:
    rows = DirectiveRecipient.objects.filter(scope_q(user, Need.READ, "organization__path")).filter(
        _from_above_q(user)
    )
    if show == "open":
        rows = rows.exclude(state=State.COMPLETED).filter(directive__status=Directive.Status.OPEN)
    elif show == "completed":
        rows = rows.filter(state=State.COMPLETED)
    return rows.select_related("directive__sender", "organization").order_by(
        "directive__due_on", "-directive__created_at", "organization__path"
    )


def recipient_actions(recipient: DirectiveRecipient) -> QuerySet[DirectiveAction]:
    return recipient.actions.select_related("responsible").order_by("done_on", "due_on", "id")


def recipient_tasks(recipient: DirectiveRecipient) -> QuerySet:
    """The tasks the recipient organization made of the directive in its own plan (one query)."""
    return tasks_of_origin(recipient).select_related("plan_item__plan").order_by("due_on", "id")


def responsible_choices(organization: Organization):
    """People who may carry an action: accounts with a role on the organization, an ancestor or an organization
    under it, or with an active member file in its subtree."""
    from chuxin.accounts.models import User

    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(role_grants__organization__path__in=organization.ancestor_paths)
            | subtree_q(organization.path, "role_grants__organization__path")
            | Q(subtree_q(organization.path, "member__organization__path"), member__status="active")
        )
        .distinct()
        .order_by("display_name", "username")
    )


# ---------------------------------------------------------------------------------------------------------------
# Sending


def sender_choices(user) -> QuerySet[Organization]:
    """Active organizations the user manages that have an active subordinate to send to."""
    return (
        Organization.objects.filter(scope_q(user, Need.MANAGE), status=Organization.Status.ACTIVE)
        .filter(children__status=Organization.Status.ACTIVE)
        .distinct()
        .only("id", "name", "path", "depth", "kind")
        .order_by("path")
    )


def subordinates(sender: Organization) -> QuerySet[Organization]:
    """Every active organization strictly below the sender, in tree order."""
    return (
        Organization.objects.filter(subtree_q(sender.path), status=Organization.Status.ACTIVE)
        .exclude(pk=sender.pk)
        .only("id", "name", "code", "path", "depth", "kind")
        .order_by("path")
    )


def officers(org_ids: list[int], today: datetime.date | None = None) -> dict[int, list]:
    """Who hears about an organization's directives: its secretaries and Party-affairs workers (role grants on
    the organization itself) and the serving secretary's own account. Two queries for any number of orgs."""
    from chuxin.accounts.models import Role, RoleGrant
    from chuxin.orgs.models import Position

    today = today or timezone.localdate()
    found: dict[int, dict[int, object]] = defaultdict(dict)
    grants = RoleGrant.objects.filter(
        organization_id__in=org_ids, role__in=[Role.SECRETARY, Role.WORKER], user__is_active=True
    ).select_related("user")
    for grant in grants:
        found[grant.organization_id][grant.user_id] = grant.user
    seats = (
        Position.objects.filter(
            organization_id__in=org_ids, kind=Position.Kind.SECRETARY, started_on__lte=today,
            member__user__isnull=False, member__user__is_active=True,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("member__user")
    )
    for seat in seats:
        found[seat.organization_id][seat.member.user_id] = seat.member.user
    return {org_id: list(users.values()) for org_id, users in found.items()}


# ---------------------------------------------------------------------------------------------------------------
# What other apps read


def workbench_items(user) -> list[WorkItem]:
    """Directives from above waiting for an organization the user manages: to acknowledge or to complete.

    One query (after the user's standings, which the request has already loaded)."""
    today = timezone.localdate()
    rows = (
        DirectiveRecipient.objects.filter(scope_q(user, Need.MANAGE, "organization__path"))
        .filter(_from_above_q(user))
        .exclude(state=State.COMPLETED)
        .filter(directive__status=Directive.Status.OPEN)
        .select_related("directive", "organization")
        .only("id", "state", "directive__title", "directive__due_on", "organization__name")
        .order_by("directive__due_on", "id")
    )
    items = []
    for row in rows:
        overdue = row.directive.due_on < today
        if overdue:
            state = _("overdue")
        elif row.state == State.SENT:
            state = _("to acknowledge")
        else:
            state = _("to complete")
        items.append(
            WorkItem(
                kind="directive", title=row.directive.title,
                url=reverse("directives:recipient", kwargs={"pk": row.pk}), due=row.directive.due_on,
                state=state, organization=row.organization.name, overdue=overdue,
                uid=f"directive-recipient-{row.pk}@chuxin",
            )
        )
    return items


def period_facts(
    organization: Organization, start: datetime.date, end: datetime.date, *, subtree: bool = True,
    today: datetime.date | None = None, item_limit: int = 20,
) -> list[Fact]:
    """Directives received by the organization (or its whole subtree) from `start` to `end` inclusive, and how
    they went: completed on time, completed late, still open (and of those, past due). For a report's pre-fill.
    Counted per receiving organization: a directive sent to three branches of the subtree counts three; one
    withdrawn by its sender (sent by mistake) does not count.

    The registry's `facts` hook. Two queries: the counts in one aggregate, then the first titles."""
    today = today or timezone.localdate()
    where = subtree_q(organization.path, "organization__path") if subtree else Q(organization=organization)
    rows = DirectiveRecipient.objects.filter(where).filter(
        directive__created_at__date__gte=start, directive__created_at__date__lte=end
    ).exclude(directive__status=Directive.Status.WITHDRAWN).annotate(done_on=TruncDate("completed_at"))
    completed = Q(state=State.COMPLETED)
    counts = rows.aggregate(
        received=Count("id"),
        completed_on_time=Count("id", filter=completed & Q(done_on__lte=F("directive__due_on"))),
        completed_late=Count("id", filter=completed & Q(done_on__gt=F("directive__due_on"))),
        open=Count("id", filter=~completed),
        open_overdue=Count("id", filter=~completed & Q(directive__due_on__lt=today)),
    )
    titles = [
        row.directive.title
        for row in rows.select_related("directive").order_by("directive__created_at", "organization__path")[
            :item_limit]
    ]
    done = counts["completed_on_time"] + counts["completed_late"]
    sentence = _("%(received)s directives from above received, %(done)s completed (%(on_time)s on time), "
                 "%(open)s still open") % {"received": counts["received"], "done": done,
                                           "on_time": counts["completed_on_time"], "open": counts["open"]}
    return [
        Fact("received", noop("Directives received"), counts["received"], titles, sentence, titles_in_sentence=False),
        Fact("completed_on_time", noop("Completed on time"), counts["completed_on_time"]),
        Fact("completed_late", noop("Completed late"), counts["completed_late"]),
        Fact("open", noop("Still open"), counts["open"]),
        Fact("open_overdue", noop("Open past their due date"), counts["open_overdue"]),
    ]
