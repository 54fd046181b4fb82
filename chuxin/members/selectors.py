from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass
from functools import reduce

from django.db import connection
from django.db.models import CharField, F, Field, Func, IntegerField, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone

from chuxin.core.access import Need, fetch, once, scope_prefixes, standings_kept
from chuxin.core.db import Prepared
from chuxin.core.paging import capped_count
from chuxin.core.paths import STEP_LEN, subtree_q
from chuxin.core.registry import member_history_sources
from chuxin.orgs.models import Organization

from .access import KEY_ATTR, THEMSELF
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


def own_member(user) -> Member | None:
    """The person's active member file, with its organization, or None. While the workbench gathers
    (chuxin.core.access.kept), read once for every app that asks."""
    if not getattr(user, "is_authenticated", False):
        return None
    return once(user, "own_member", lambda: Member.objects.filter(user=user, status=Member.Status.ACTIVE)
                .select_related("organization").first())


def own_member_key(user) -> tuple[int, str] | None:
    """(id, organization path) of the person's active member file, or None: what the workbench's probes ask
    with."""
    row = _own_row(user)
    return (row[0], row[1]) if row else None


def own_place(user) -> tuple[int, str] | None:
    """(id, path) of the organization of the person's active member file, or None: where their own things
    count (a practice, points) without reading the file and its organization."""
    row = _own_row(user)
    return (row[2], row[1]) if row else None


def _own_row(user) -> tuple[int, str, int] | None:
    """(member id, organization path, organization id) of the active member file: as this request's standings
    read it (chuxin.members.access.KEY_ATTR), while they are kept (a grant or a transfer in the request forgets
    both); else one query compiled once (chuxin.core.db.Prepared), made once while the workbench gathers."""
    if not getattr(user, "is_authenticated", False):
        return None
    if standings_kept(user) and hasattr(user, KEY_ATTR):
        return getattr(user, KEY_ATTR)

    def read():
        rows = _ACTIVE_KEY.rows(user.pk)
        return tuple(rows[0]) if rows else None

    return once(user, "own_member_key", read)


# The first in the model's order, as own_member's .first() takes it.
_ACTIVE_KEY = Prepared(lambda user_id: Member.objects.filter(user_id=user_id, status=Member.Status.ACTIVE)
                       .values_list("pk", "organization__path", "organization_id")[:1])


def member_list(user, filters: MemberFilters | None = None, *, need: Need = Need.READ) -> QuerySet[Member]:
    """Members in the user's scope, filtered. One query for a page: the organization is joined in.

    The scope is a range on the member's own copy of its organization's path (Member.org_path), so the plan is a
    choice between the member table's own indexes: walking the name order and stopping at a page (a large scope),
    reading a small scope's range and sorting it (a branch), or a search's own index. PostgreSQL chooses by its
    statistics; SQLite is told (see _sqlite_plan)."""
    filters = filters or MemberFilters()
    prefixes = _scope(user, filters, need)
    qs = Member.objects.all()
    scope_field, status_field = "org_path", "status"
    if connection.vendor == "sqlite":
        plan = _sqlite_plan(prefixes, filters)
        if plan in (_BY_NAME, _BY_SEARCH):
            qs, scope_field = qs.alias(org_path_unindexed=_unindexed("org_path")), "org_path_unindexed"
        if plan in (_BY_SCOPE, _BY_SEARCH):
            qs, status_field = qs.alias(status_unindexed=_unindexed("status")), "status_unindexed"
    elif _name_beginning(filters):
        # PostgreSQL, a name's beginning ("张伟"): its statistics guess about 1% of the members match, so it may
        # walk member_roll in name order and stop at a page. The matches all sort together (zhangwei…), late in
        # the alphabet: at 10^6 members it read 878,320 index entries for 51 rows (4.4 s). Kept off status and
        # scope's indexes, it reads member_name's range and sorts the few matches (~10 ms).
        qs = qs.alias(org_path_unindexed=_unindexed("org_path"), status_unindexed=_unindexed("status"))
        scope_field, status_field = "org_path_unindexed", "status_unindexed"
    if not prefixes:
        qs = qs.none()
    elif prefixes != [""]:
        qs = qs.filter(reduce(operator.or_, (subtree_q(prefix, scope_field) for prefix in prefixes)))
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(**{status_field: filters.status})
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


# How SQLite is told its plan for the member list. SQLite keeps no statistics here (and a range's size is a
# guess even with ANALYZE: no STAT4), so left alone it took a wide scope's range and sorted 100,000 members, or let
# member_roll's `status =` lure a surname search off its own index (0.5 s instead of 5 ms). An index is kept out
# of the choice by writing its column as `+column` in the condition (SQLite's documented way): the results are the
# same, only the plan changes. The plans, and what each costs at 100,000 members (bench/README.md):
_BY_NAME = "name"  # a wide scope: walk member_roll in name order, scope and filters checked in the index, stop at
#                    a page (~60 index entries for the whole tree, ~2,500 for a committee of 2,000)
_BY_SCOPE = "scope"  # a narrow scope: its range of member_scope, then sorted (a branch: its 50 members)
_BY_SEARCH = "search"  # a surname, a name's beginning, three characters anywhere, a phone number: the search's
#                        own index (member_surname, member_name, the FTS5 table), then the few matches sorted
# A scope is wide when it starts this high in the tree: the top (depth 1) and the organizations right under it
# (grassroots committees, thousands of members each). Deeper scopes (general branches, branches, groups) hold
# tens to hundreds: their range is read whole. Walking the name order for a 50-member scope reads the whole
# index (~17 ms of CPU at 100,000 members), reading a 2,000-member range and sorting it ~5 ms: both bearable, so
# the line need not be exact.
WIDE_SCOPE_DEPTH = 2


def _scope(user, filters: MemberFilters, need: Need) -> list[str]:
    """The path prefixes the list covers: the user's scope (core.access.scope_prefixes), narrowed to the chosen
    organization's subtree. One range per prefix and no second range over the first: SQLite reads the index by
    one of two ranges on a column and filters by the other, so `scope AND organization` read the whole scope."""
    prefixes = scope_prefixes(user, need)
    if filters.organization is None:
        return prefixes
    chosen = filters.organization.path
    if any(chosen.startswith(prefix) for prefix in prefixes):
        return [chosen]
    return [prefix for prefix in prefixes if prefix.startswith(chosen)]  # the part of the scope under it


def _unindexed(field: str, output_field: Field | None = None) -> Func:
    """The column as an expression no index answers: `+column` (SQLite's documented way), `(column || '')` for
    text on PostgreSQL (which has no unary plus on text). The values, and so the results, are the same."""
    output_field = output_field or CharField()
    text = isinstance(output_field, CharField)
    template = "(%(expressions)s || '')" if connection.vendor == "postgresql" and text else "+%(expressions)s"
    return Func(F(field), template=template, output_field=output_field)


def _name_beginning(filters: MemberFilters) -> bool:
    """Whether the list searches for names that begin with two characters or more (name_search)."""
    term = (filters.q or "").strip()
    return (len(term) >= 2 and not filters.contains and not term.isdigit()
            and not (term.isascii() and term.isalpha()))


def _sqlite_plan(prefixes: list[str], filters: MemberFilters) -> str:
    term = (filters.q or "").strip()
    if term and not (term.isascii() and term.isalpha()):  # pinyin walks the name order like the plain list
        anywhere = term.isdigit() or filters.contains
        if not anywhere or len(term) >= TRIGRAM:
            return _BY_SEARCH
    shallowest = min((len(prefix) // STEP_LEN for prefix in prefixes), default=0)
    return _BY_NAME if shallowest <= WIDE_SCOPE_DEPTH else _BY_SCOPE


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
            qs = _anywhere(qs, "phone", term)
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
    - anywhere in the name: a trigram index from three characters, PostgreSQL's (pg_trgm) or SQLite's (FTS5 with
      the trigram tokenizer, see _anywhere); two characters anywhere read the rows in scope (no trigram holds them).
    The results are the same on both databases as a plain scan (tests/test_search.py).
    """
    if contains:
        return _anywhere(qs, "name", term)
    if len(term) == 1:
        return qs.alias(name_first=FirstCharacter("name")).filter(name_first=term)
    if connection.vendor == "postgresql" or ord(term[-1]) == 0x10FFFF:
        return qs.filter(name__startswith=term)
    # SQLite compares text by its UTF-8 bytes, i.e. by code point: the names that begin with `term` are those
    # from `term` up to (not including) `term` with its last character's code point plus one.
    return qs.filter(name__gte=term, name__lt=term[:-1] + chr(ord(term[-1]) + 1))


# The SQLite full-text table over the members' names and phone numbers (migration 0010): FTS5 with the trigram
# tokenizer, kept in step with members_member by triggers. PostgreSQL has trigram GIN indexes instead (0007).
SEARCH_TABLE = "members_member_search"
TRIGRAM = 3


def _anywhere(qs: QuerySet[Member], column: str, term: str) -> QuerySet[Member]:
    """Members whose `column` (name or phone) holds `term` anywhere, exactly as `column__contains` would find them
    on PostgreSQL (case-sensitive). PostgreSQL answers LIKE '%term%' from its trigram index by itself; SQLite is
    asked its FTS5 trigram table for terms of three characters or more (a phrase of the term's trigrams matches
    exactly the values that contain it), and reads the rows for shorter ones."""
    if connection.vendor != "sqlite" or len(term) < TRIGRAM:
        return qs.filter(**{f"{column}__contains": term})
    phrase = '"' + term.replace('"', '""') + '"'  # one FTS5 phrase, whatever the term holds
    # Only constants are formatted in (the table, and `column`, "name" or "phone"); the query is a parameter.
    return qs.filter(pk__in=RawSQL(  # noqa: S611
        f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH %s",  # noqa: S608
        [f"{column} : {phrase}"],
    ))


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
    # A surname on PostgreSQL ("张", ~2% of a million members): counted in the list's order, member_surname is read
    # in order and the count stops at the cap (12 ms at 10^6); unordered, the planner first made a bitmap of every
    # member with that surname (30 ms).
    surname = connection.vendor == "postgresql" and len(filters.q.strip()) == 1 and not filters.q.strip().isascii()
    return capped_count(member_list(user, filters, need=need), ordered=surname and not filters.contains)


def _prefix_q(field: str, term: str) -> Q:
    """`field` starts with `term` (both a-z only), as a range rather than LIKE 'term%'.

    SQLite uses an index for LIKE only under a case-insensitive collation, PostgreSQL only with
    text_pattern_ops; a range uses the ordinary b-tree index on both, as paths.py does for paths. Pinyin keys
    hold only a-z, which every collation orders the same way, so the range holds exactly the keys that start
    with `term`.
    """
    upper = term + "z" * (Member._meta.get_field(field).max_length - len(term))
    return Q(**{f"{field}__gte": term, f"{field}__lte": upper})


# The bulk logins page lists at most this many members without a login (a branch has dozens; a committee's whole
# subtree is done branch by branch).
LOGINS_OFFERED_MAX = 300


def members_on_roll_in(organization: Organization) -> QuerySet[Member]:
    """The members on the roll (active files) of an organization's subtree, in name order, with their
    organizations."""
    qs, status_field = Member.objects.all(), "status"
    if connection.vendor == "sqlite":  # the subtree's range (member_scope), not a walk of the whole roll
        qs, status_field = qs.alias(status_unindexed=_unindexed("status")), "status_unindexed"
    return (
        qs.filter(subtree_q(organization.path, "org_path"), **{status_field: Member.Status.ACTIVE})
        .select_related("organization").order_by("name_pinyin", "id")
    )


def members_without_login(organization: Organization, *, limit: int = LOGINS_OFFERED_MAX) -> tuple[list, bool]:
    """Those of them without a login account: (the first `limit`, whether there are more). One query."""
    qs = members_on_roll_in(organization)
    if connection.vendor == "sqlite":
        # To SQLite `user_id IS NULL` looks like one row of the unique index on user_id; it is most members, read
        # and sorted (60-100 ms at 100,000 members instead of the subtree's range: 10 ms).
        qs = qs.alias(user_unindexed=_unindexed("user_id", IntegerField())).filter(user_unindexed__isnull=True)
    else:
        qs = qs.filter(user__isnull=True)
    rows = list(qs[: limit + 1])
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
