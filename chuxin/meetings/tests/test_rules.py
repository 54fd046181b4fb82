"""The rules of organizational life at their boundaries, with hand-made cases (no database)."""

from __future__ import annotations

import datetime

import pytest

from chuxin.meetings import rules
from chuxin.meetings.models import Frequency, Kind
from chuxin.meetings.rules import Compliance, Head

D = datetime.date


def heads(*, committee_present=0, committee_absent=0, full_present=0, full_absent=0, probationary_present=0,
          excused=0) -> list[Head]:
    return (
        [Head(True, True, True, False)] * committee_present
        + [Head(False, True, True, False)] * committee_absent
        + [Head(True, True, False, False)] * full_present
        + [Head(False, True, False, False)] * full_absent
        + [Head(True, False, False, False)] * probationary_present
        + [Head(False, True, False, True)] * excused
    )


# --- quorum ---------------------------------------------------------------------------------------------------

def test_committee_meeting_with_exactly_half_present_has_no_quorum():
    q = rules.quorum(Kind.COMMITTEE, heads(committee_present=2, committee_absent=2))
    assert q.applies and not q.met and q.needed == 3


def test_committee_meeting_with_more_than_half_present_has_quorum():
    q = rules.quorum(Kind.COMMITTEE, heads(committee_present=3, committee_absent=2))
    assert q.met and (q.present, q.base, q.needed) == (3, 5, 3)


def test_committee_quorum_counts_committee_members_only():
    # Plain members present do not make up for committee members away.
    q = rules.quorum(Kind.COMMITTEE, heads(committee_present=1, committee_absent=2, full_present=10))
    assert not q.met and q.base == 3


def test_general_meeting_exactly_half_vs_more_than_half():
    assert not rules.quorum(Kind.GENERAL, heads(full_present=5, full_absent=5)).met
    assert rules.quorum(Kind.GENERAL, heads(full_present=6, full_absent=5)).met


def test_probationary_members_present_do_not_count_towards_the_quorum():
    q = rules.quorum(Kind.GENERAL, heads(full_present=5, full_absent=5, probationary_present=4))
    assert not q.met and q.base == 10


def test_exempt_members_are_left_out_of_the_base():
    # 4 of 7 full members present, 3 of whom are elderly or away: 4 of the 4 who must attend.
    q = rules.quorum(Kind.GENERAL, heads(full_present=4, excused=3))
    assert q.met and q.base == 4


@pytest.mark.parametrize(("present", "base", "met"), [(8, 10, True), (7, 10, False), (4, 5, True), (3, 5, False),
                                                      (39, 49, False), (40, 49, True)])
def test_election_needs_four_fifths(present, base, met):
    q = rules.quorum(Kind.GENERAL, heads(full_present=present, full_absent=base - present), election=True)
    assert q.met is met


def test_kinds_without_a_quorum():
    q = rules.quorum(Kind.LECTURE, heads(full_present=1, full_absent=20))
    assert not q.applies and q.met


# --- resolutions ----------------------------------------------------------------------------------------------

def test_resolution_needs_more_than_half_of_voters_expected_not_of_those_present():
    # 10 expected, 6 present: 5 for is half of those expected -> not passed, though 5 of 6 present voted for.
    vote = rules.resolution_outcome(votes_for=5, votes_against=1, votes_abstain=0, voters_expected=10,
                                    voters_present=6, quorum_met=True)
    assert vote.valid and not vote.passed
    vote = rules.resolution_outcome(votes_for=6, votes_against=0, votes_abstain=0, voters_expected=10,
                                    voters_present=6, quorum_met=True)
    assert vote.passed


def test_resolution_of_a_meeting_without_quorum_is_invalid():
    vote = rules.resolution_outcome(votes_for=5, votes_against=0, votes_abstain=0, voters_expected=10,
                                    voters_present=5, quorum_met=False)
    assert not vote.valid and not vote.passed and "quorum" in vote.note


def test_more_votes_than_voters_present_is_refused():
    with pytest.raises(ValueError):
        rules.resolution_outcome(votes_for=5, votes_against=2, votes_abstain=0, voters_expected=10,
                                 voters_present=6, quorum_met=True)


# --- the cap on 优秀 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("graded", "cap"), [(0, 0), (3, 1), (4, 1), (29, 9), (30, 10)])
def test_excellent_cap(graded, cap):
    assert rules.excellent_cap(graded) == cap


# --- periods and compliance -----------------------------------------------------------------------------------

def test_periods():
    assert rules.period_of(D(2026, 3, 31), Frequency.MONTHLY) == "2026-03"
    assert rules.period_of(D(2026, 4, 1), Frequency.QUARTERLY) == "2026-Q2"
    assert rules.period_of(D(2026, 7, 1), Frequency.HALF_YEARLY) == "2026-H2"
    assert rules.period_of(D(2026, 7, 1), Frequency.YEARLY) == "2026"
    assert rules.period_bounds("2026-Q1") == (D(2026, 1, 1), D(2026, 3, 31))
    assert rules.period_bounds("2024-02") == (D(2024, 2, 1), D(2024, 2, 29))
    assert rules.period_bounds("2026-H2") == (D(2026, 7, 1), D(2026, 12, 31))
    assert rules.period_bounds("2026") == (D(2026, 1, 1), D(2026, 12, 31))
    assert len(rules.periods_of_year(2026, Frequency.MONTHLY)) == 12


@pytest.mark.parametrize("bad", ["", "26-Q1", "2026-Q5", "2026-13", "2026-H3", "2026-1", "abcd", "2026-Q"])
def test_forged_periods_are_refused(bad):
    with pytest.raises(ValueError):
        rules.period_bounds(bad)


def test_compliance_states():
    end, today = D(2026, 3, 31), D(2026, 4, 10)
    base = {"period_end": end, "today": today}
    assert rules.compliance(required=True, held=1, made_up=0, exempt=False, **base) == Compliance.HELD
    assert rules.compliance(required=True, held=0, made_up=1, exempt=False, **base) == Compliance.MADE_UP
    assert rules.compliance(required=True, held=0, made_up=0, exempt=True, **base) == Compliance.EXEMPT
    assert rules.compliance(required=True, held=0, made_up=0, exempt=False, **base) == Compliance.MISSING
    assert rules.compliance(required=False, held=0, made_up=0, exempt=False, **base) == Compliance.NOT_REQUIRED
    # The period's last day is still open; the day after, it is missing.
    assert rules.compliance(required=True, held=0, made_up=0, exempt=False, period_end=end,
                            today=end) == Compliance.REQUIRED_NOT_DUE


def test_committee_meetings_apply_only_where_a_committee_exists():
    assert rules.kind_applies(Kind.COMMITTEE, "branch", has_committee=True)
    assert not rules.kind_applies(Kind.COMMITTEE, "branch", has_committee=False)
    assert rules.kind_applies(Kind.GROUP, "party_group", has_committee=False)
    assert not rules.kind_applies(Kind.GENERAL, "party_group", has_committee=False)
    assert not rules.kind_applies(Kind.OTHER, "branch", has_committee=True)


# --- six months without organizational life -------------------------------------------------------------------

def test_six_months_without_organizational_life():
    today = D(2026, 9, 15)
    since = D(2020, 1, 1)
    # Last attended exactly six months ago: flagged; a day later: not.
    assert rules.without_life(last_attended=D(2026, 3, 15), excused_since=None, expected_since=since, today=today)
    assert not rules.without_life(last_attended=D(2026, 3, 16), excused_since=None, expected_since=since,
                                  today=today)
    assert rules.without_life(last_attended=None, excused_since=None, expected_since=since, today=today)


def test_a_reason_or_a_new_arrival_is_not_flagged():
    today = D(2026, 9, 15)
    assert not rules.without_life(last_attended=None, excused_since=D(2026, 8, 1), expected_since=D(2020, 1, 1),
                                  today=today)
    assert not rules.without_life(last_attended=None, excused_since=None, expected_since=D(2026, 5, 1),
                                  today=today)


def test_months_before_keeps_the_month_end():
    assert rules.months_before(D(2026, 8, 31), 6) == D(2026, 2, 28)
    assert rules.months_before(D(2026, 3, 15), 6) == D(2025, 9, 15)
