from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from chuxin.core.access import Need, fetch, scope_prefixes, scope_q
from chuxin.core.paging import capped_count
from chuxin.core.paths import subtree_q
from chuxin.core.registry import member_history_sources
from chuxin.orgs.models import Organization
from chuxin.orgs.selectors import organization_list

from .access import THEMSELF
from .models import FirstCharacter, Member, MemberTally
from .rules import AGE_BANDS


@dataclass
class MemberFilters:
    organization: Organization | None = None
    category: str = ""
    status: str = ""
    education: str = ""
    age_band: str = ""
    q: str = ""
    contains: bool = False  # a Chinese term anywhere in the name, not only at its start


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def member_list(user, filters: MemberFilters | None = None, *, need: Need = Need.READ) -> QuerySet[Member]:
    """Members in the user's scope, filtered. One query for a page: the organization is joined in."""
    filters = filters or MemberFilters()
    qs = Member.objects.filter(scope_q(user, need, "organization__path"))
    if filters.organization is not None:
        qs = qs.filter(subtree_q(filters.organization.path, "organization__path"))
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.education:
        qs = qs.filter(education=filters.education)
    if filters.age_band:
        today = timezone.localdate()
        for key, _label, low, high in AGE_BANDS:
            if key == filters.age_band:
                # age >= low  <=>  born on or before today minus low years; age <= high <=> born after today-(high+1)
                qs = qs.filter(birth_date__lte=_years_ago(today, low), birth_date__gt=_years_ago(today, high + 1))
    qs = member_search(qs, filters.q, contains=filters.contains)
    return qs.select_related("organization").order_by("name_pinyin", "id")


def member_search(qs: QuerySet[Member], term: str, *, contains: bool = False) -> QuerySet[Member]:
    """Members whose name, pinyin or its initials (张三: 张, zhangsan, zs) or phone number match what was typed
    (a Chinese term: see name_search)."""
    term = (term or "").strip()
    if term:
        if term.isascii() and term.isalpha():
            term = term.lower()
            if len(term) == 1:
                # One letter begins the initials exactly when it begins the pinyin; a single range lets the
                # page walk the pinyin index in list order (typing a name sends its first letter first).
                qs = qs.filter(_prefix_q("name_pinyin", term))
            else:
                qs = qs.filter(_prefix_q("name_initials", term) | _prefix_q("name_pinyin", term))
        elif term.isdigit():
            qs = qs.filter(phone__contains=term)  # PostgreSQL: the phone's trigram index from 3 digits
        else:
            qs = name_search(qs, term, contains=contains)
    return qs


def name_search(qs: QuerySet[Member], term: str, *, contains: bool = False) -> QuerySet[Member]:
    """Members whose name begins with `term` (one character: the surname), or holds it anywhere if `contains`.

    Each form has an index on both databases (see Member.Meta.indexes):
    - one character: the index on (first character of the name, pinyin, id) gives the surname's members already
      in list order, so a page reads its 50 rows and stops (张 among a million members);
    - a longer beginning ("张伟"): the name's own index, as a range (a prefix LIKE uses a b-tree only with
      varchar_pattern_ops on PostgreSQL, never on SQLite; on PostgreSQL the index has that operator class);
    - anywhere in the name: PostgreSQL's trigram index (pg_trgm, from three characters); SQLite reads the rows.
    The results are the same on both databases as a plain scan (tests/test_search.py).
    """
    if contains:
        return qs.filter(name__contains=term)
    if len(term) == 1:
        return qs.alias(name_first=FirstCharacter("name")).filter(name_first=term)
    if connection.vendor == "postgresql" or ord(term[-1]) == 0x10FFFF:
        return qs.filter(name__startswith=term)
    # SQLite compares text by its UTF-8 bytes, i.e. by code point: the names that begin with `term` are those
    # from `term` up to (not including) `term` with its last character's code point plus one.
    return qs.filter(name__gte=term, name__lt=term[:-1] + chr(ord(term[-1]) + 1))


def members_on_roll(user, organization: Organization | None = None, *, need: Need = Need.READ) -> dict[str, int]:
    """{"full", "probationary", "active", "organizations"}: the members on the roll and the active organizations in
    the user's scope (or in `organization`'s subtree, which must be in it), from the counters the writes keep
    (members.tallies). One query, a row per organization at the top of the scope, whatever the numbers."""
    if organization is not None:
        rows = MemberTally.objects.filter(organization=organization)
    else:
        prefixes = scope_prefixes(user, need)
        if prefixes == [""]:
            rows = MemberTally.objects.filter(organization__parent__isnull=True)
        else:
            rows = MemberTally.objects.filter(organization__path__in=prefixes or ["-"])
    sums = rows.aggregate(full=Sum("full"), probationary=Sum("probationary"), organizations=Sum("organizations"))
    full, probationary = sums["full"] or 0, sums["probationary"] or 0
    return {"full": full, "probationary": probationary, "active": full + probationary,
            "organizations": sums["organizations"] or 0}


def member_count(user, filters: MemberFilters, *, need: Need = Need.READ) -> tuple[int, bool]:
    """(count, exact) for the member list: from the counters when the list shows members on the roll by
    organization and category only (exact, one small query); otherwise counted up to COUNT_CAP ("10,000+"),
    which reads at most that many rows however many match."""
    plain = not (filters.education or filters.age_band or filters.q.strip())
    if plain and filters.status == Member.Status.ACTIVE:
        counts = members_on_roll(user, filters.organization, need=need)
        return counts[filters.category or "active"], True
    return capped_count(member_list(user, filters, need=need))


def _prefix_q(field: str, term: str) -> Q:
    """`field` starts with `term` (both a-z only), as a range rather than LIKE 'term%'.

    SQLite uses an index for LIKE only under a case-insensitive collation, PostgreSQL only with
    text_pattern_ops; a range uses the ordinary b-tree index on both, as paths.py does for paths. Pinyin keys
    hold only a-z, which every collation orders the same way, so the range holds exactly the keys that start
    with `term`.
    """
    upper = term + "z" * (Member._meta.get_field(field).max_length - len(term))
    return Q(**{f"{field}__gte": term, f"{field}__lte": upper})


# The list's organization filter offers at most this many organizations. Offering every one of a
# 10,000-organization scope made a 600 KB select that took half a second to render; a deeper one is reached
# by choosing its parent, or from its page, whose "Members" link sets the filter (any organization in scope
# is still accepted).
FILTER_ORGANIZATIONS_MAX = 300


def member_filter_organizations(
    user, *, selected: Organization | None = None, limit: int = FILTER_ORGANIZATIONS_MAX
) -> list[Organization]:
    """The organizations the filter offers, in tree order: the user's whole scope when it is small, otherwise
    as many of its upper levels as fit whole in `limit`; the selected one always. One query either way."""
    rows = list(
        organization_list(user).only("id", "name", "depth", "path").order_by("depth", "path")[: limit + 1]
    )
    if len(rows) > limit:
        cut = rows[-1].depth  # this level did not fit whole
        rows = [org for org in rows if org.depth < cut] or rows[:limit]
    if selected is not None and all(org.pk != selected.pk for org in rows):
        rows.append(selected)
    return sorted(rows, key=lambda org: org.path)


# The bulk logins page lists at most this many members without a login (a branch has dozens; a committee's whole
# subtree is done branch by branch).
LOGINS_OFFERED_MAX = 300


def members_on_roll_in(organization: Organization) -> QuerySet[Member]:
    """The members on the roll (active files) of an organization's subtree, in name order, with their
    organizations."""
    return (
        Member.objects.filter(subtree_q(organization.path, "organization__path"), status=Member.Status.ACTIVE)
        .select_related("organization").order_by("name_pinyin", "id")
    )


def members_without_login(organization: Organization, *, limit: int = LOGINS_OFFERED_MAX) -> tuple[list, bool]:
    """Those of them without a login account: (the first `limit`, whether there are more). One query."""
    rows = list(members_on_roll_in(organization).filter(user__isnull=True)[: limit + 1])
    return rows[:limit], len(rows) > limit


def access_member(user, pk, *, need: Need) -> Member:
    """A member file: the member may always read their own; anyone else goes through the policy."""
    return fetch(
        user, Member.objects.select_related("organization", "work_unit", "department", "user"), pk, need=need,
        relations=[THEMSELF],
    )


def member_history(member: Member, user) -> list:
    """The sections other apps add to a member's file (organizational life, evaluations), each built by its app
    for this reader; empty ones left out, in their order."""
    sections = [s for _app, source in member_history_sources() for s in source(member, user)]
    return sorted((s for s in sections if s.rows), key=lambda s: s.order)
