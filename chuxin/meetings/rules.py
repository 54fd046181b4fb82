"""The regulations' numbers for organizational life, as pure functions (no database), tested at their boundaries.

Frequencies are data (Rule declarations in apps.py, overridable per organization through chuxin.core.rules); the
quorum and vote fractions are statutory and fixed. Counting is in whole people with integer arithmetic: "more than
half" is 2 * present > base, never a float compared with 0.5.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from .models import Kind

# The periods live in periods.py (the models' audit display reads them too); the rules' callers find them here.
from .periods import period_bounds, period_frequency, period_label, period_of, periods_of_year  # noqa: F401

# Statutory fractions (GLOSSARY "Quorum and votes"): more than half of the committee for a committee meeting, more
# than half of the full members with voting rights for a general meeting, at least four fifths for an election;
# a resolution needs the votes of more than half of the full members with voting rights expected.
MORE_THAN_HALF = Fraction(1, 2)
ELECTION = Fraction(4, 5)
EXCELLENT_CAP = Fraction(1, 3)  # 民主评议: 优秀 generally no more than a third of the members graded
WITHOUT_LIFE_MONTHS = 6  # 条例 2019 第三十一条(六): six consecutive months without organizational life

# The organization kinds each meeting kind applies to (orgs.Organization.Kind values; the kernel of this app
# names them as strings so the rules stay free of models beyond its own).
BRANCH_KINDS = ("branch", "joint_branch", "temporary_branch")
APPLIES_TO: dict[str, tuple[str, ...]] = {
    Kind.GENERAL: BRANCH_KINDS,
    Kind.COMMITTEE: BRANCH_KINDS,  # where a branch committee exists (seven or more full members)
    Kind.GROUP: ("party_group",),
    Kind.LECTURE: BRANCH_KINDS,
    Kind.THEMED_DAY: BRANCH_KINDS,
    Kind.LIFE: BRANCH_KINDS,
    Kind.OTHER: (),
}
REQUIRED_KINDS = tuple(kind for kind in Kind.values if APPLIES_TO[kind])


def kind_applies(kind: str, org_kind: str, *, has_committee: bool) -> bool:
    """Whether an organization of `org_kind` must hold meetings of `kind` (a committee meeting only where a
    committee exists: a branch of fewer than seven full members has a secretary, not a committee)."""
    if org_kind not in APPLIES_TO.get(kind, ()):
        return False
    return has_committee if kind == Kind.COMMITTEE else True


def kind_allowed(kind: str, org_kind: str) -> bool:
    """Whether a meeting of `kind` may be recorded for an organization of `org_kind` at all ("other" anywhere)."""
    return kind == Kind.OTHER or org_kind in APPLIES_TO.get(kind, ())


# ---------------------------------------------------------------------------------------------------------------
# Compliance of one organization, one kind, one period


class Compliance:
    REQUIRED_NOT_DUE = "open"  # the period is still running and nothing held yet
    HELD = "held"
    MADE_UP = "made_up"
    EXEMPT = "exempt"
    MISSING = "missing"
    NOT_REQUIRED = "not_required"


def compliance(*, required: bool, held: int, made_up: int, exempt: bool, period_end: datetime.date,
               today: datetime.date) -> str:
    """The state of one cell: held in its period, made up afterwards, exempt with a reason, missing once its
    period has closed, or still open while it runs."""
    if not required:
        return Compliance.NOT_REQUIRED
    if held:
        return Compliance.HELD
    if made_up:
        return Compliance.MADE_UP
    if exempt:
        return Compliance.EXEMPT
    return Compliance.MISSING if period_end < today else Compliance.REQUIRED_NOT_DUE


# ---------------------------------------------------------------------------------------------------------------
# Quorum and votes


def reaches(count: int, base: int, fraction: Fraction, *, strictly: bool) -> bool:
    """count / base > fraction (strictly) or >= fraction, in integers. An empty base reaches nothing."""
    if base <= 0:
        return False
    left, right = count * fraction.denominator, base * fraction.numerator
    return left > right if strictly else left >= right


def needed(base: int, fraction: Fraction, *, strictly: bool) -> int:
    """The fewest people that reach `fraction` of `base`."""
    n = base * fraction.numerator // fraction.denominator
    if strictly or n * fraction.denominator < base * fraction.numerator:
        n += 1
    return min(max(n, 0), base) if base else 0


@dataclass(frozen=True)
class Quorum:
    applies: bool
    met: bool
    present: int
    base: int
    needed: int
    note: str


@dataclass(frozen=True)
class Head:
    """What the quorum needs of one expected attendee, taken from the snapshot and the marks."""

    attended: bool
    voting: bool  # a full member with voting rights (probationary members do not vote)
    on_committee: bool
    excused: bool  # a lawful exception: exempt, attending elsewhere (not counted in the base)


def quorum(kind: str, heads: list[Head], *, election: bool = False) -> Quorum:
    """The quorum of a meeting from its expected attendees.

    - committee meeting: more than half of the committee members present;
    - general meeting: more than half of the full members with voting rights present; an election at least
      four fifths of them;
    - other kinds have no quorum (applies=False). Lawful exceptions are left out of the base.
    """
    if kind == Kind.COMMITTEE:
        base_heads = [h for h in heads if h.on_committee and not h.excused]
        present = sum(h.attended for h in base_heads)
        base = len(base_heads)
        need = needed(base, MORE_THAN_HALF, strictly=True)
        met = reaches(present, base, MORE_THAN_HALF, strictly=True)
        note = _("%(present)s of %(base)s committee members present; more than half (%(need)s) are needed.")
    elif kind == Kind.GENERAL or election:
        base_heads = [h for h in heads if h.voting and not h.excused]
        present = sum(h.attended for h in base_heads)
        base = len(base_heads)
        if election:
            need = needed(base, ELECTION, strictly=False)
            met = reaches(present, base, ELECTION, strictly=False)
            note = _("%(present)s of %(base)s full members with voting rights present; an election needs at "
                     "least four fifths (%(need)s).")
        else:
            need = needed(base, MORE_THAN_HALF, strictly=True)
            met = reaches(present, base, MORE_THAN_HALF, strictly=True)
            note = _("%(present)s of %(base)s full members with voting rights present; more than half (%(need)s) "
                     "are needed.")
    else:
        return Quorum(False, True, sum(h.attended for h in heads), len(heads), 0, "")
    return Quorum(True, met, present, base, need, note % {"present": present, "base": base, "need": need})


@dataclass(frozen=True)
class Vote:
    passed: bool
    valid: bool
    note: str


def resolution_outcome(*, votes_for: int, votes_against: int, votes_abstain: int, voters_expected: int,
                       voters_present: int, quorum_met: bool) -> Vote:
    """A resolution passes with the votes of more than half of the full members with voting rights expected
    (not of those present); it is invalid when the meeting lacked its quorum. More votes than voters present
    is refused by the caller (ValueError here)."""
    if min(votes_for, votes_against, votes_abstain) < 0:
        raise ValueError("negative votes")
    if votes_for + votes_against + votes_abstain > voters_present:
        raise ValueError("more votes than voters present")
    if not quorum_met:
        return Vote(False, False, _("Invalid: the meeting did not have its quorum."))
    passed = reaches(votes_for, voters_expected, MORE_THAN_HALF, strictly=True)
    need = needed(voters_expected, MORE_THAN_HALF, strictly=True)
    note = (_("Passed: %(for)s of %(base)s full members with voting rights voted for (%(need)s needed).") if passed
            else _("Not passed: %(for)s of %(base)s full members with voting rights voted for; %(need)s are "
                   "needed."))
    return Vote(passed, True, note % {"for": votes_for, "base": voters_expected, "need": need})


def excellent_cap(graded: int, fraction: Fraction = EXCELLENT_CAP) -> int:
    """The most members a branch may grade 优秀: a third of those graded, rounded down (3 -> 1, 4 -> 1, 29 -> 9,
    30 -> 10). Probationary members are not graded and not counted."""
    return graded * fraction.numerator // fraction.denominator if graded > 0 else 0


# ---------------------------------------------------------------------------------------------------------------
# Six months without organizational life


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier (the month's last day when it has no such day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def without_life(*, last_attended: datetime.date | None, excused_since: datetime.date | None,
                 expected_since: datetime.date, today: datetime.date, months: int = WITHOUT_LIFE_MONTHS) -> bool:
    """Whether a member has had no organizational life for `months` consecutive months without a reason: no
    meeting attended since the day `months` ago, no excuse (leave approved, exemption, attending elsewhere) in
    that stretch, and expected at meetings for the whole of it (a newly arrived member is not flagged). Flagged
    for the secretary only: the platform never acts on it."""
    since = months_before(today, months)
    if expected_since > since:
        return False
    if last_attended is not None and last_attended > since:
        return False
    return not (excused_since is not None and excused_since > since)
