"""The organization rules applied: a branch's minimum, its committee, the committee's size, the term.

The rules themselves are data (chuxin.core.rules), declared with their defaults and articles in this app's hooks
(apps.py); here they are read by code through a Resolver, so an organization's own value for a configurable rule
(the term warning) holds for its subtree. Each warning quotes the rule it enforces.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from chuxin.core import rules as core_rules
from chuxin.core.rules import Resolver

from .apps import RULE_BRANCH_COMMITTEE, RULE_BRANCH_MINIMUM, RULE_COMMITTEE_SIZE, RULE_TERM
from .models import Organization, Position

Kind = Organization.Kind

# The rules' codes (declared in apps.py).
BRANCH_MIN_FULL_MEMBERS = "branch_min_full_members"
BRANCH_COMMITTEE_FROM_FULL_MEMBERS = "branch_committee_from_full_members"
COMMITTEE_MIN_SEATS = "committee_min_seats"
COMMITTEE_MAX_SEATS = "committee_max_seats"
TERM_WARNING_DAYS = "term_warning_days"
# Term lengths by kind; a village or community branch serves 5 (the organization sets its own end date).
TERM_YEARS = {
    Kind.GRASSROOTS_COMMITTEE: "term_years_committee",
    Kind.GENERAL_BRANCH: "term_years_general_branch",
    Kind.BRANCH: "term_years_branch",
    Kind.JOINT_BRANCH: "term_years_branch",
}

# Which kinds may sit directly under which.
ALLOWED_CHILDREN: dict[str, tuple[str, ...]] = {
    Kind.SUPERIOR_COMMITTEE: (
        Kind.SUPERIOR_COMMITTEE,
        Kind.GRASSROOTS_COMMITTEE,
        Kind.GENERAL_BRANCH,
        Kind.BRANCH,
        Kind.JOINT_BRANCH,
        Kind.TEMPORARY_BRANCH,
    ),
    Kind.GRASSROOTS_COMMITTEE: (Kind.GENERAL_BRANCH, Kind.BRANCH, Kind.JOINT_BRANCH, Kind.TEMPORARY_BRANCH),
    Kind.GENERAL_BRANCH: (Kind.BRANCH, Kind.JOINT_BRANCH, Kind.TEMPORARY_BRANCH),
    Kind.BRANCH: (Kind.PARTY_GROUP,),
    Kind.JOINT_BRANCH: (Kind.PARTY_GROUP,),
    Kind.TEMPORARY_BRANCH: (Kind.PARTY_GROUP,),
    Kind.PARTY_GROUP: (),
}
ROOT_KINDS = (Kind.SUPERIOR_COMMITTEE, Kind.GRASSROOTS_COMMITTEE)


@dataclass(frozen=True)
class Warning:
    code: str
    message: str
    rule: str


@dataclass(frozen=True)
class OrgFacts:
    """What the rules need to know about one organization, gathered by the selectors."""

    full_members: int
    committee_seats: int
    has_committee: bool


def term_years(kind: str) -> int | None:
    code = TERM_YEARS.get(kind)
    return core_rules.get(code).default if code else None  # not configurable: the same everywhere


def default_term_end(kind: str, term_start: datetime.date | None) -> datetime.date | None:
    years = term_years(kind)
    if not (years and term_start):
        return None
    try:
        return term_start.replace(year=term_start.year + years)
    except ValueError:  # 29 February
        return term_start.replace(year=term_start.year + years, day=28)


def is_committee_seat(kind: str) -> bool:
    return kind not in Position.LEADER_KINDS


def check(
    org: Organization, facts: OrgFacts, today: datetime.date, resolver: Resolver | None = None
) -> list[Warning]:
    """The warnings for one organization. Pass one `resolver` for many organizations (the home page), so the
    overrides are loaded once; without it, a term about to end costs one query for the organization's own."""
    found: list[Warning] = []
    if not org.is_active:
        return found
    book = resolver or Resolver([org.path])
    minimum = book.value(BRANCH_MIN_FULL_MEMBERS, org)
    if org.is_branch and org.kind != Kind.TEMPORARY_BRANCH and facts.full_members < minimum:
        found.append(
            Warning(
                "branch_too_small",
                _("This branch has %(n)s full members; a branch needs at least %(min)s.")
                % {"n": facts.full_members, "min": minimum},
                RULE_BRANCH_MINIMUM,
            )
        )
    if (
        org.is_branch
        and facts.full_members >= book.value(BRANCH_COMMITTEE_FROM_FULL_MEMBERS, org)
        and not facts.has_committee
    ):
        found.append(
            Warning(
                "committee_missing",
                _("This branch has %(n)s full members but no branch committee.") % {"n": facts.full_members},
                RULE_BRANCH_COMMITTEE,
            )
        )
    seats = (book.value(COMMITTEE_MIN_SEATS, org), book.value(COMMITTEE_MAX_SEATS, org))
    if facts.has_committee and not (seats[0] <= facts.committee_seats <= seats[1]):
        found.append(
            Warning(
                "committee_size",
                _("The committee has %(n)s members; it should have %(min)s to %(max)s.")
                % {"n": facts.committee_seats, "min": seats[0], "max": seats[1]},
                RULE_COMMITTEE_SIZE,
            )
        )
    days_left = org.term_days_left(today)
    if days_left is not None and org.kind != Kind.PARTY_GROUP:
        if days_left < 0:
            found.append(
                Warning(
                    "term_ended",
                    _("The term ended on %(date)s, %(days)s days ago; re-election is due.")
                    % {"date": org.term_end.isoformat(), "days": -days_left},
                    RULE_TERM,
                )
            )
        # The warning's distance is configurable: ask (and load the overrides) only when no allowed value could
        # leave this term out, so pages whose terms are all far off make no query for it.
        elif days_left <= book.rule(TERM_WARNING_DAYS).maximum and days_left <= book.value(TERM_WARNING_DAYS, org):
            found.append(
                Warning(
                    "term_ending",
                    _("The term ends on %(date)s, in %(days)s days; prepare the re-election.")
                    % {"date": org.term_end.isoformat(), "days": days_left},
                    RULE_TERM,
                )
            )
    return found
