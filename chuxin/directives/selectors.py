"""Reads of directives, always narrowed to what the user may see.

"From above" (上级交办): the inbox and the workbench show the rows of directives whose sender lies outside the
user's own reach; what a user's own organizations sent is followed on the sent list and the matrix instead,
so a Party-affairs worker is not asked to act on the directives they sent to their branches.
"""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as noop
from django.utils.translation import ngettext, pgettext

from chuxin.core import rules as core_rules
from chuxin.core.access import Need, Relation, can, fetch, holders_by_org, scope_prefixes, scope_q, scope_ranges
from chuxin.core.db import Bound, Pages, PreparedExists, PreparedRows, totals
from chuxin.core.links import id_url
from chuxin.core.paths import ranges_q, subtree_bounds, subtree_q
from chuxin.core.protocols import Fact, WorkItem
from chuxin.orgs.models import Organization
from chuxin.plans.selectors import origin_counts, tasks_of_origin

from .apps import ACK_WORKING_DAYS
from .models import Directive, DirectiveAction, DirectiveAttachment, DirectiveRecipient

State = DirectiveRecipient.State


# ---------------------------------------------------------------------------------------------------------------
# Single objects: fetched through the access policy (404 out of scope, 403 too weak a role).


def access_directive(user, pk, *, need: Need) -> Directive:
    """A directive as its sender sees it: the need is on the sending organization."""
    return fetch(user, _DIRECTIVE, pk, need=need, organization="sender")


def access_recipient(user, pk, *, need: Need) -> DirectiveRecipient:
    """One recipient's row as that organization sees it: the need is on the receiving organization only, so a
    branch never reaches a sibling's row or the sender's matrix."""
    return fetch(user, _RECIPIENT, pk, need=need)


# The sender's page and a recipient's are opened (and their matrix refreshed) most: compiled once.
_DIRECTIVE = PreparedRows(lambda pk: Directive.objects.select_related("sender", "created_by").filter(pk=pk))
_RECIPIENT = PreparedRows(lambda pk: DirectiveRecipient.objects.select_related(
    "directive__sender", "organization", "acknowledged_by", "completed_by").filter(pk=pk))


def access_action(user, pk, *, need: Need) -> DirectiveAction:
    return fetch(user, DirectiveAction.objects.select_related("recipient__organization", "recipient__directive"), pk,
                 need=need, organization="recipient.organization")


def _reads_the_other_side(user, attachment: DirectiveAttachment) -> bool:
    """The sender reads a recipient's paperwork; every recipient reads the sender's files (the notice, templates)."""
    if attachment.recipient_id:
        return can(user, attachment.directive.sender, Need.READ)
    return attachment.directive.recipients.filter(scope_q(user, Need.READ, "organization__path")).exists()


# Reading only: changing a file needs standing on the organization whose file it is.
OTHER_SIDE = Relation("the other side of the directive", _reads_the_other_side, Need.READ)


def access_attachment(user, pk, *, need: Need) -> DirectiveAttachment:
    """A directive's file. To read: the sender's files (the notice, templates) by READ on the sender or on any
    receiving organization; a recipient's paperwork by READ on that organization or on the sender, never by a
    sibling. To change (MANAGE): only on the organization whose file it is. 404 out of scope, 403 too weak."""
    return fetch(user, DirectiveAttachment.objects.select_related("directive__sender", "recipient__organization"),
                 pk, need=need, organization="owner_organization", relations=[OTHER_SIDE])


def directive_attachments(directive: Directive) -> list[DirectiveAttachment]:
    """The sender's files (the notice, templates). One query, compiled once (the sender's page lists them)."""
    return _SENDERS_FILES.objects(directive.pk)


_SENDERS_FILES = PreparedRows(lambda directive_id: DirectiveAttachment.objects.filter(
    directive=directive_id, recipient__isnull=True).order_by("created_at", "id"))


def recipient_attachments(recipient: DirectiveRecipient) -> list[DirectiveAttachment]:
    """What a recipient's page lists: the sender's files (the notice, templates: no recipient) and the recipient's
    own paperwork (attached with its completion, to the row, or to its follow-up actions: with `action_id`).
    One query."""
    return list(DirectiveAttachment.objects.filter(directive_id=recipient.directive_id).filter(
        Q(recipient__isnull=True) | Q(recipient=recipient)).order_by("created_at", "id"))


# ---------------------------------------------------------------------------------------------------------------
# The sender's matrix


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The day `n` working days (Monday to Friday) after `day`: Friday + 1 is Monday."""
    while n > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def ack_due_on(directive: Directive) -> datetime.date:
    """The last day a recipient may acknowledge before it is behind: the sending day plus the sender's
    `directive_ack_working_days` (a rule as data; at most one query, for the sender's own values)."""
    days = core_rules.value(ACK_WORKING_DAYS, directive.sender)
    return add_working_days(timezone.localdate(directive.created_at), days)


def behind_mode(directive: Directive, today: datetime.date, *, ack_due: datetime.date | None = None) -> bool | None:
    """Which rows of one directive are behind today: True, every row not completed (past the due date); False,
    those not acknowledged (past the working days the sender allows for it, `ack_due`, from ack_due_on); None,
    none (a directive sent a minute ago has nobody behind)."""
    if directive.due_on < today:
        return True
    if today > (ack_due or ack_due_on(directive)):
        return False
    return None


def _behind(mode: bool | None) -> Q:
    return ~Q(state=State.COMPLETED) if mode else Q(state=State.SENT) if mode is False else Q(pk__in=[])


def behind_q(directive: Directive, today: datetime.date, *, ack_due: datetime.date | None = None) -> Q:
    """Rows of one directive that are behind: not completed, and past the due date, or not acknowledged within
    the working days the sender allows (`ack_due`, from ack_due_on). A directive sent a minute ago has nobody
    behind."""
    return _behind(behind_mode(directive, today, ack_due=ack_due))


# The matrix's counters are cumulative: a row that has completed has also acknowledged (completing acknowledges
# it) and has been under way, so it counts under each state it has passed. "sent" counts those not yet
# acknowledged.
REACHED: dict[str, tuple[str, ...]] = {
    State.SENT: (State.SENT,),
    State.ACKNOWLEDGED: (State.ACKNOWLEDGED, State.IN_PROGRESS, State.COMPLETED),
    State.IN_PROGRESS: (State.IN_PROGRESS, State.COMPLETED),
    State.COMPLETED: (State.COMPLETED,),
}
COUNTS = ("total", "behind", *REACHED)


def _counts(directive_id: int, mode: bool | None) -> QuerySet:
    return totals(DirectiveRecipient.objects.filter(directive=directive_id),
                  total=Count("id"), behind=Count("id", filter=_behind(mode)),
                  **{state: Count("id", filter=Q(state__in=states)) for state, states in REACHED.items()})


# The sender's page asks these at each view and each refresh of its matrix (every 30 seconds while it is open):
# compiled once (chuxin.core.db.PreparedRows), the matrix's rows one statement for every page.
_COUNTS = PreparedRows(_counts)


def directive_counts(directive: Directive, today: datetime.date, *,
                     ack_due: datetime.date | None = None) -> dict[str, int]:
    """Recipients in total, behind, not yet acknowledged ("sent") and having reached each later state
    (cumulative), in one aggregate query."""
    return _COUNTS.row(directive.pk, behind_mode(directive, today, ack_due=ack_due)) or dict.fromkeys(COUNTS, 0)


MATRIX_FILTERS = ("behind", *State.values)


def _matrix(directive_id: int, mode: bool | None, show: str = "") -> QuerySet[DirectiveRecipient]:
    behind = _behind(mode)
    rows = DirectiveRecipient.objects.filter(directive=directive_id)
    if show == "behind":
        rows = rows.filter(behind)
    elif show in REACHED:
        rows = rows.filter(state__in=REACHED[show])
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


def directive_matrix(directive: Directive, *, today: datetime.date, show: str = "",
                     ack_due: datetime.date | None = None) -> QuerySet[DirectiveRecipient]:
    """Every recipient row with its organization, in tree order, each marked behind or not and with how many of
    the tasks it made of the directive are done out of how many (one query a page). `show` filters as the
    counters count: behind, not acknowledged ("sent"), or having reached a state."""
    return _matrix(directive.pk, behind_mode(directive, today, ack_due=ack_due), show)


def matrix_pages(directive: Directive, *, today: datetime.date, show: str, count: int,
                 ack_due: datetime.date | None = None, fields: tuple[str, ...]) -> Pages:
    """directive_matrix's rows as dicts of `fields` (`count` of them, as directive_counts counted), for a paginator:
    each page one query, compiled once per filter."""
    if show not in ("", *MATRIX_FILTERS):
        raise ValueError(f"no such filter of the matrix: {show!r}")
    prepared = _MATRIX.get((show, fields))
    if prepared is None:
        prepared = _MATRIX[show, fields] = PreparedRows(
            lambda directive_id, mode: _matrix(directive_id, mode, show).values(*fields))
    return prepared.pages(directive.pk, behind_mode(directive, today, ack_due=ack_due), count=count)


_MATRIX: dict[tuple[str, tuple[str, ...]], PreparedRows] = {}


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


def officers(organizations, today: datetime.date | None = None) -> dict[int, list]:
    """Who hears about an organization's directives: who holds MANAGE on it by a grant on the organization itself
    (its secretaries and Party-affairs workers) and who serves in its secretary's seat on `today`, through the
    access policy's reverse question. {organization id: [accounts]}; two queries for any number of orgs."""
    return holders_by_org(organizations, Need.MANAGE, on=today, serving=True)


# ---------------------------------------------------------------------------------------------------------------
# What other apps read


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`), the same rows from the same values, compiled
    once per shape; nothing for those who manage nowhere."""
    manage = scope_ranges(user, Need.MANAGE)
    return [_WAITING_PROBE.bind(manage, _sender_ranges(user))] if manage else []


def _sender_ranges(user) -> list[str] | None:
    """`_from_above_q` as plain values: the ranges of the senders the user reaches (None: every sender)."""
    if scope_prefixes(user, Need.READ) == [""]:
        return None
    return scope_ranges(user, Need.READ)


def _waiting_rows(manage: list[str], reached: list[str] | None) -> QuerySet:
    """The open directives from above not yet completed by an organization in `manage` (the ranges the user
    manages), sent from outside `reached` (the ranges of the senders the user reaches; None: every sender), as
    workbench_items reads them and its probe asks: from plain values, compiled once per shape."""
    rows = DirectiveRecipient.objects.filter(ranges_q(manage, "organization__path"))
    if reached is None:  # the superuser reaches every sender: everything is on the sent list
        rows = rows.filter(pk__in=[])
    elif reached:
        rows = rows.exclude(ranges_q(reached, "directive__sender__path"))
    return (rows.exclude(state=State.COMPLETED).filter(directive__status=Directive.Status.OPEN)
            .order_by("directive__due_on", "id")
            .values_list("id", "state", "directive__title", "directive__due_on", "organization__name"))


_WAITING_ROWS = PreparedRows(_waiting_rows)
_WAITING_PROBE = PreparedExists(_waiting_rows)


def workbench_items(user) -> list[WorkItem]:
    """Directives from above waiting for an organization the user manages: to acknowledge or to complete.

    One query (after the user's standings, which the request has already loaded), read as plain values: a
    secretary may have hundreds."""
    if not scope_prefixes(user, Need.MANAGE):  # a directive waits for an organization someone manages
        return []
    today = timezone.localdate()
    rows = _WAITING_ROWS.tuples(scope_ranges(user, Need.MANAGE), _sender_ranges(user))
    recipient_url = id_url("directives:recipient")
    overdue_label, acknowledge_label, complete_label = _("overdue"), _("to acknowledge"), _("to complete")
    items = []
    for pk, state, title, due_on, organization in rows:
        overdue = due_on < today
        items.append(
            WorkItem(
                kind="directive", title=title, url=recipient_url(pk), due=due_on,
                state=overdue_label if overdue else acknowledge_label if state == State.SENT else complete_label,
                organization=organization, overdue=overdue, uid=f"directive-recipient-{pk}@chuxin",
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
    sentence = directives_sentence(received=counts["received"], on_time=counts["completed_on_time"],
                                   late=counts["completed_late"], still_open=counts["open"])
    return [
        Fact("received", noop("Directives received"), counts["received"], titles, sentence, titles_in_sentence=False),
        Fact("completed_on_time", noop("Completed on time"), counts["completed_on_time"]),
        Fact("completed_late", noop("Completed late"), counts["completed_late"]),
        Fact("open", noop("Still open"), counts["open"]),
        Fact("open_overdue", noop("Open past their due date"), counts["open_overdue"]),
    ]


def directives_sentence(*, received: int, on_time: int, late: int, still_open: int) -> str:
    """The pre-filled sentence of a report, without zero counts: "3 directives from above received, 3 completed,
    all on time", never "0 completed (0 on time)". Nothing received: no sentence at all."""
    if not received:
        return ""
    parts = [ngettext("%(n)s directive from above received", "%(n)s directives from above received",
                      received) % {"n": received}]
    done = on_time + late
    if done and on_time == done:
        parts.append(_("%(done)s completed, all on time") % {"done": done})
    elif done and on_time:
        parts.append(_("%(done)s completed (%(on_time)s on time)") % {"done": done, "on_time": on_time})
    elif done:
        parts.append(_("%(done)s completed") % {"done": done})
    if still_open:
        parts.append(_("%(n)s still open") % {"n": still_open})
    return pgettext("between the parts of a sentence", ", ").join(parts)


def overdue_in(organization: Organization, *, today: datetime.date) -> int:
    """Recipient rows of open directives, received in the organization's subtree, not completed and past their
    due date: a state, for the summary of a subtree (completions are work records). One query."""
    return (_OVERDUE_IN.row(list(subtree_bounds(organization.path)), today) or {"n": 0})["n"]


_OVERDUE_IN = PreparedRows(lambda bounds, today: totals(
    DirectiveRecipient.objects.filter(ranges_q(bounds, "organization__path"), directive__status=Directive.Status.OPEN,
                                      directive__due_on__lt=today).exclude(state=State.COMPLETED), n=Count("id")))
