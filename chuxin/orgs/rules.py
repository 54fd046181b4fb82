"""Organizational thresholds from the Party's regulations (see GLOSSARY.md), one place per rule.

Each rule carries its number and the words of the regulation, so a warning can quote what it enforces.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Organization, Position

Kind = Organization.Kind

# 《中国共产党支部工作条例（试行）》: a branch is set up where there are at least 3 full members.
BRANCH_MIN_FULL_MEMBERS = 3
# A branch with 7 or more full members sets up a branch committee.
BRANCH_COMMITTEE_FROM_FULL_MEMBERS = 7
# A committee has 3-5 members, generally no more than 7.
COMMITTEE_MIN_SEATS = 3
COMMITTEE_MAX_SEATS = 7
# Warn this many days before a term ends.
TERM_WARNING_DAYS = 90
# Term lengths in years; a village or community branch serves 5 (the organization may set its own end date).
TERM_YEARS = {
    Kind.GRASSROOTS_COMMITTEE: 5,
    Kind.GENERAL_BRANCH: 3,
    Kind.BRANCH: 3,
    Kind.JOINT_BRANCH: 3,
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

RULE_BRANCH_MINIMUM = _(
    "“Where there are three or more full Party members, a Party branch shall be set up.” "
    "(Regulations on the Work of Party Branches, art. 5)"
)
RULE_BRANCH_COMMITTEE = _(
    "“A Party branch with seven or more full members shall set up a branch committee.” "
    "(Regulations on the Work of Party Branches, art. 9)"
)
RULE_COMMITTEE_SIZE = _(
    "“A branch committee generally has three to five members, and no more than seven.” "
    "(Regulations on the Work of Party Branches, art. 9)"
)
RULE_TERM = _(
    "“A Party committee, general branch or branch shall hold its re-election when its term ends; "
    "postponing or advancing it needs approval and is limited to one year.”"
)


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
    return TERM_YEARS.get(kind)


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


def check(org: Organization, facts: OrgFacts, today: datetime.date) -> list[Warning]:
    found: list[Warning] = []
    if not org.is_active:
        return found
    if org.is_branch and org.kind != Kind.TEMPORARY_BRANCH and facts.full_members < BRANCH_MIN_FULL_MEMBERS:
        found.append(
            Warning(
                "branch_too_small",
                _("This branch has %(n)s full members; a branch needs at least %(min)s.")
                % {"n": facts.full_members, "min": BRANCH_MIN_FULL_MEMBERS},
                RULE_BRANCH_MINIMUM,
            )
        )
    if org.is_branch and facts.full_members >= BRANCH_COMMITTEE_FROM_FULL_MEMBERS and not facts.has_committee:
        found.append(
            Warning(
                "committee_missing",
                _("This branch has %(n)s full members but no branch committee.") % {"n": facts.full_members},
                RULE_BRANCH_COMMITTEE,
            )
        )
    if facts.has_committee and not (COMMITTEE_MIN_SEATS <= facts.committee_seats <= COMMITTEE_MAX_SEATS):
        found.append(
            Warning(
                "committee_size",
                _("The committee has %(n)s members; it should have %(min)s to %(max)s.")
                % {"n": facts.committee_seats, "min": COMMITTEE_MIN_SEATS, "max": COMMITTEE_MAX_SEATS},
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
        elif days_left <= TERM_WARNING_DAYS:
            found.append(
                Warning(
                    "term_ending",
                    _("The term ends on %(date)s, in %(days)s days; prepare the re-election.")
                    % {"date": org.term_end.isoformat(), "days": days_left},
                    RULE_TERM,
                )
            )
    return found
