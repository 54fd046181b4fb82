"""Reads of the organization tree, always narrowed to what the user may see."""

from __future__ import annotations

import datetime
import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from chuxin.core.access import ITSELF, Need, can, fetch, require, scope_prefixes, scope_q, scope_ranges
from chuxin.core.db import PreparedRows
from chuxin.core.paths import STEP_LEN, ancestor_paths, ranges_q, subtree_q
from chuxin.core.rules import Resolver, Rule
from chuxin.members.models import MemberTally

from . import rules
from .models import Department, Organization, PartnerUnit, Position, RuleSetting, WorkUnit


def organization_list(user, *, need: Need = Need.READ) -> QuerySet[Organization]:
    return Organization.objects.filter(scope_q(user, need))


def with_child_counts(qs: QuerySet[Organization]) -> QuerySet[Organization]:
    """Each organization with `child_count`, its children's number, counted for the rows the page takes only: a
    subquery per row (on the parent index), not a join and GROUP BY over every child of every row in the filter,
    which at a province's top (500 committees) counted 2,500 rows to show 50 (14 ms)."""
    children = (Organization.objects.filter(parent=OuterRef("pk")).order_by().values("parent")
                .annotate(n=Count("pk")).values("n"))
    return qs.annotate(child_count=Coalesce(Subquery(children), 0))


def organization_roots(user) -> QuerySet[Organization]:
    """The tops of the user's visible forest: the organizations their grants sit on, nested ones dropped."""
    prefixes = scope_prefixes(user, Need.READ)
    if prefixes == [""]:
        qs = Organization.objects.filter(parent__isnull=True)
    else:
        qs = Organization.objects.filter(path__in=prefixes)
    return with_child_counts(qs).order_by("path")


# The tree opens an organization's children this many at a time; "more" brings the next ones. A provincial
# committee may have thousands of subordinate committees, and drawing them all made the tree 25x a bare view.
CHILDREN_PAGE = 100


def organization_children(user, parent: Organization, *, counted: bool = True) -> QuerySet[Organization]:
    """The parent's children in tree order, each with `child_count` unless `counted` is False (a page that only
    names and links them: no count per row, and only the columns that do so)."""
    require(user, parent, Need.READ)
    if not counted:
        return parent.children.only("id", "name", "path", "status", "parent").order_by("path")
    return with_child_counts(parent.children.all()).order_by("path")


def organization_children_page(user, parent: Organization, *, after: str | None = None,
                               size: int = CHILDREN_PAGE) -> tuple[list[Organization], str | None]:
    """(children in path order after the path `after`, the path to continue after or None at the end).

    Paged by the path, which is unique and is the order, so a later page costs what the first does."""
    children = organization_children(user, parent)
    if after:
        children = children.filter(path__gt=after)
    rows = list(children[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].path if more else None)


def organization_choices(user, *, need: Need) -> QuerySet[Organization]:
    return organization_list(user, need=need).filter(status=Organization.Status.ACTIVE).only(
        "id", "name", "path", "depth", "kind"
    )


# The organization pickers (chuxin.orgs.forms.OrgChoiceField) ask for this many matches at a time.
SEARCH_LIMIT = 30
SEARCH_TERM_MAX = 50


def organization_search(user, *, need: Need, term: str, active_only: bool = True,
                        limit: int = SEARCH_LIMIT) -> tuple[list[Organization], bool]:
    """(the first `limit` organizations in the user's scope for `need` whose name or code holds `term`, in tree
    order, each with its parent's name; whether there are more). Empty term: the first of the scope. One query.

    Organizations have no pinyin column (names are typed in Chinese and searched so); codes are letters."""
    term = term.strip()[:SEARCH_TERM_MAX]
    qs = organization_list(user, need=need)
    if active_only:
        qs = qs.filter(status=Organization.Status.ACTIVE)
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(code__istartswith=term))
    rows = list(
        qs.select_related("parent").only("id", "name", "path", "depth", "code", "parent__name").order_by("path")[
            : limit + 1
        ]
    )
    return rows[:limit], len(rows) > limit


def organization_breadcrumbs(org: Organization, user) -> list[Organization]:
    """The ancestors from the root down, each marked `readable` so pages link only to what the user may open."""
    crumbs = list(
        Organization.objects.filter(path__in=org.ancestor_paths).order_by("path").only("id", "name", "path")
    )
    for crumb in crumbs:
        crumb.readable = can(user, crumb, Need.READ)
    return crumbs


def current_positions(org: Organization, today: datetime.date | None = None) -> QuerySet[Position]:
    today = today or timezone.localdate()
    return (
        org.positions.filter(started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("member", "partner_unit")
        .in_office_order()
    )


def past_positions(org: Organization, today: datetime.date | None = None) -> QuerySet[Position]:
    today = today or timezone.localdate()
    return (
        org.positions.filter(ended_on__lt=today).select_related("member", "partner_unit").in_office_order("-ended_on")
    )


def member_positions(member) -> QuerySet[Position]:
    """A person's seats for their file and their "Me" page: the ones they hold first, then by office."""
    return member.positions.select_related("organization").in_office_order(F("ended_on").desc(nulls_first=True))


def organization_facts(org: Organization, today: datetime.date | None = None) -> rules.OrgFacts:

    # The full members on the roll in its subtree, from the counters the writes keep (members.tallies).
    full = MemberTally.objects.filter(organization=org).values_list("full", flat=True).first() or 0
    seats = list(current_positions(org, today).values_list("kind", "member_id", "person_name"))
    return _facts(full, seats)


def _facts(full_members: int, seats: list[tuple[str, int | None, str]]) -> rules.OrgFacts:
    people = {member_id or name for _kind, member_id, name in seats}
    has_committee = any(rules.is_committee_seat(kind) for kind, _m, _n in seats)
    return rules.OrgFacts(full_members=full_members, committee_seats=len(people), has_committee=has_committee)


def organization_warnings(
    org: Organization, today: datetime.date | None = None, facts: rules.OrgFacts | None = None
) -> list[rules.Warning]:
    today = today or timezone.localdate()
    return rules.check(org, facts if facts is not None else organization_facts(org, today), today)


WARNING_BATCH = 500
# The first batch: most candidates do warn (at 10,000 organizations 52 were checked for 50 warnings), and each one
# read costs a model instance and a parameter of the seats' query (~10 ms of the home page for 500).
WARNING_FIRST_BATCH = 100


def _bounds(book: Resolver, code: str) -> tuple[Any, Any]:
    """The least and the most a rule can be anywhere: its allowed range if configurable, else its one value."""
    rule = book.rule(code)
    if rule.configurable:
        return rule.minimum, rule.maximum
    return rule.default, rule.default


def warnings_in_scope(user, *, limit: int = 50) -> list[tuple[Organization, list[rules.Warning]]]:
    """The first `limit` active organizations in the user's scope (in tree order) that break a rule, for the
    worker's home page.

    The organizations that might break one are picked in SQL from what is kept up to date: the members on the
    roll from the counters (members.tallies, not an aggregate of every member in scope), the term's end, whether
    there is any current seat; with each rule at the loosest value it can take anywhere, so none is missed.
    They are read in tree order, WARNING_FIRST_BATCH and then WARNING_BATCH at a time with their seats, and
    checked by rules.check until `limit` warn. Three queries when the first batch holds `limit` warnings or the whole scope (the
    organizations, their seats, the rule settings when a term ends soon enough for one to matter); one batch
    more each time it does not.
    """
    today = timezone.localdate()
    book = Resolver(scope_prefixes(user, Need.READ))  # every organization's overrides in one query, if any
    _least, max_min_full = _bounds(book, rules.BRANCH_MIN_FULL_MEMBERS)
    committee_from, _most = _bounds(book, rules.BRANCH_COMMITTEE_FROM_FULL_MEMBERS)
    _least, warn_days = _bounds(book, rules.TERM_WARNING_DAYS)
    bounds = scope_ranges(user, Need.READ)
    warn_until = today + datetime.timedelta(days=warn_days)
    result: list[tuple[Organization, list[rules.Warning]]] = []
    after = ""
    size = max(WARNING_FIRST_BATCH, limit)
    while len(result) < limit:
        batch = _CANDIDATES.objects(bounds, after, warn_until, max_min_full, committee_from, today, window=(0, size))
        if not batch:
            break
        seats_by_org: dict[int, list] = defaultdict(list)
        # The batch's ids padded to the batch's size with its last: one statement per size, not per length.
        ids = [org.pk for org in batch] + [batch[-1].pk] * (size - len(batch))
        for org_id, kind, member_id, name in _SEATS_OF.tuples(ids, today):
            seats_by_org[org_id].append((kind, member_id, name))
        for org in batch:
            found = rules.check(org, _facts(org.full_members, seats_by_org.get(org.id, [])), today, book)
            if found:
                result.append((org, found))
                if len(result) >= limit:
                    break
        if len(batch) < size:
            break
        after = batch[-1].path
        size = WARNING_BATCH
    return result


def _candidates(bounds: list[str], after: str, warn_until: datetime.date, max_min_full: int, committee_from: int,
                today: datetime.date) -> QuerySet[Organization]:
    """warnings_in_scope's organizations that might break a rule, in tree order after the path `after`, within the
    scope `bounds` (access.scope_ranges), each rule at its loosest value anywhere."""
    return (
        Organization.objects.filter(ranges_q(bounds), path__gt=after, status=Organization.Status.ACTIVE)
        .exclude(kind=Organization.Kind.PARTY_GROUP)
        .annotate(full_members=Coalesce(F("member_tally__full"), 0))
        .filter(
            Q(term_end__lte=warn_until)
            | Q(kind__in=Organization.BRANCH_KINDS, full_members__lt=max_min_full)
            | Q(kind__in=Organization.BRANCH_KINDS, full_members__gte=committee_from)
            | Exists(_current_seats(today).filter(organization=OuterRef("pk")))
        )
        .only("id", "name", "path", "kind", "status", "term_end")
        .order_by("path")
    )


def _current_seats(today: datetime.date) -> QuerySet[Position]:
    return Position.objects.filter(started_on__lte=today).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))


# The home page asks these at each view: compiled once (chuxin.core.db.PreparedRows), a batch a window of rows.
_CANDIDATES = PreparedRows(_candidates)
_SEATS_OF = PreparedRows(lambda org_ids, today: _current_seats(today).filter(organization__in=org_ids)
                         .values_list("organization_id", "kind", "member_id", "person_name"))


def rule_overrides(prefixes: list[str]) -> list[tuple[str, str, Any]]:
    """The `rule_overrides` hook (chuxin.core.rules): every setting on the prefixes' organizations, their ancestors
    and everything under them, as (path, code, stored value). One query; settings are few."""
    q = Q(organization__path__in={path for prefix in prefixes for path in ancestor_paths(prefix)})
    for prefix in prefixes:
        q |= subtree_q(prefix, "organization__path")
    return list(RuleSetting.objects.filter(q).values_list("organization__path", "code", "value"))


@dataclass(frozen=True)
class RuleRow:
    """One rule as the Rules page shows it for one organization."""

    rule: Rule
    value: Any
    display: str
    source: Organization | None  # whose setting gives the value; None: the default
    set_here: bool  # the value is this organization's own
    own: RuleSetting | None  # this organization's own setting, with who set it and why


def organization_rules(org: Organization, ancestors: list[Organization]) -> list[RuleRow]:
    """Every declared rule with its value for `org` and where the value comes from. `ancestors` are the
    organization's breadcrumbs (already loaded for the page) to name the one above whose setting holds.
    Two queries: the settings on the path (the resolver's), and this organization's own, with who set them."""
    by_path = {o.path: o for o in [*ancestors, org]}
    own = {s.code: s for s in org.rule_settings.select_related("set_by")}
    book = Resolver([org.path])
    rows = []
    for rule in book.rules():
        found = book.lookup(rule.code, org)
        rows.append(RuleRow(rule, found.value, rule.display(found.value), by_path.get(found.source),
                            found.source == org.path, own.get(rule.code)))
    return rows


def organization_above(paths) -> Organization | None:
    """The deepest organization whose subtree holds every one of `paths` (None if they lie in different trees), so an
    audit entry about several organizations is seen by the workers of the one above them all."""
    paths = [p for p in paths if p]
    if not paths:
        return None
    prefix = os.path.commonprefix([min(paths), max(paths)])
    prefix = prefix[: len(prefix) // STEP_LEN * STEP_LEN]
    return Organization.objects.filter(path=prefix).first() if prefix else None


def work_unit_list(user) -> QuerySet[WorkUnit]:
    return (
        WorkUnit.objects.filter(scope_q(user, Need.READ, "organization__path"))
        .select_related("organization")
        .annotate(department_count=Count("departments"))
        .order_by("name")
    )


def department_list(work_unit: WorkUnit) -> QuerySet[Department]:
    return work_unit.departments.annotate(member_count=Count("members")).order_by("sort_order", "name")


def partner_unit_list(user) -> QuerySet[PartnerUnit]:
    return (
        PartnerUnit.objects.filter(scope_q(user, Need.READ, "host__path"))
        .select_related("host")
        .annotate(seat_count=Count("positions"))
        .order_by("host__path", "name")
    )


# Single objects: fetched through the access policy (404 out of scope, 403 too weak a role).

def access_organization(user, pk, *, need: Need) -> Organization:
    return fetch(user, Organization.objects.select_related("parent", "work_unit__organization"), pk, need=need,
                 organization=ITSELF)


def access_position(user, pk, *, need: Need) -> Position:
    return fetch(user, Position.objects.select_related("organization", "member", "partner_unit"), pk, need=need)


def access_work_unit(user, pk, *, need: Need) -> WorkUnit:
    return fetch(user, WorkUnit.objects.select_related("organization"), pk, need=need)


def access_department(user, pk, *, need: Need) -> Department:
    return fetch(user, Department.objects.select_related("work_unit__organization"), pk, need=need, organization="work_unit.organization")


def access_partner_unit(user, pk, *, need: Need) -> PartnerUnit:
    return fetch(user, PartnerUnit.objects.select_related("host"), pk, need=need, organization="host")
