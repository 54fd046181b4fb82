"""Database upkeep that the code itself must do."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import QuerySet

# A write of at least this many rows refreshes the table's statistics at once (see analyze).
BULK_ROWS = 1000


def analyze(*models) -> None:
    """Refresh PostgreSQL's planner statistics of the models' tables after a bulk load (an import, a seed).

    Autovacuum analyzes a table once about a tenth of it has changed, some time later; until then the planner
    works from the old row counts, and picked plans 20-200x slower for the member list after a large import
    (670 ms instead of 30 ms at 100,000 members). ANALYZE reads a sample (30,000 rows by default), a fraction
    of a second even at a million rows, and may run inside the import's transaction. SQLite's planner needs no
    statistics for these queries: nothing to do there.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def vacuum(*models) -> None:
    """VACUUM (ANALYZE) the models' tables on PostgreSQL, after a bulk load has committed (VACUUM cannot run in a
    transaction; inside one this does nothing). Besides the statistics, it marks the new rows' pages all-visible,
    so counts and searches read the indexes alone (an index-only scan) instead of visiting each row: at 10^6 fresh
    members a capped count by trigram took 17 ms before, 4 ms after. Autovacuum does the same some time later."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def rows_exist(querysets: Sequence[QuerySet]) -> list[bool]:
    """Whether each queryset has a row, in one query: `SELECT EXISTS (...), EXISTS (...), ...` (PostgreSQL and
    SQLite both take a SELECT without FROM). A queryset that is empty by its conditions alone (`pk__in=[]`, a
    scope the user does not have) is answered without SQL. Each `.exists()` would be a query of its own: the
    workbench asks some twenty at once for each person (chuxin.workbench.selectors)."""
    answers: list[bool] = [False] * len(querysets)
    parts: list[str] = []
    params: list = []
    asked: list[int] = []
    for i, queryset in enumerate(querysets):
        query = queryset.query.exists()
        try:
            sql, part_params = query.get_compiler(using=queryset.db).as_sql()
        except EmptyResultSet:
            continue
        parts.append(f"EXISTS ({sql})")
        params.extend(part_params)
        asked.append(i)
    if not parts:
        return answers
    alias = querysets[asked[0]].db
    if any(querysets[i].db != alias for i in asked):
        raise ValueError("rows_exist: every queryset must read the same database")
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    for i, value in zip(asked, row, strict=True):
        answers[i] = bool(value)
    return answers
