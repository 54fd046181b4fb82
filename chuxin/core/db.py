"""Database upkeep that the code itself must do."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable

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


# Stands for the one parameter of a Prepared query while the ORM compiles it: an id no row has, inside every
# integer column's range (Django makes an out-of-range lookup an empty result, with no SQL).
_STANDS_FOR = -987_654_321


class Prepared:
    """A query of a fixed shape whose one parameter changes (a person's id), built and compiled by the ORM once per
    database and process, then run as that SQL with the parameter put in, its values converted as the ORM would.

    For the lookups every request makes, whatever the page: the session's user, the person's role grants and
    member file (chuxin.core.access.standings). Building and compiling each cost ~0.7 ms of CPU, the query itself
    ~0.15: ~2 ms of every page. The SQL is the ORM's own, so the result is the same and the query is seen where
    every query is (the suite's query counts, the debug toolbar). `build(value)` must make the same query for
    every value, with `value` as exactly one of its parameters."""

    def __init__(self, build: Callable[[int], QuerySet]):
        self._build = build
        self._compiled: dict[str, tuple] = {}

    def _compile(self, using: str) -> tuple:
        queryset = self._build(_STANDS_FOR)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        at = [i for i, param in enumerate(params) if param == _STANDS_FOR]
        if len(at) != 1:
            raise ValueError(f"a Prepared query needs its value as exactly one parameter, found {len(at)}: {sql}")
        converters = compiler.get_converters([expression for expression, _sql, _alias in compiler.select])
        fields = None
        if queryset._iterable_class is ModelIterable:  # model rows: the model's own columns, in order, nothing joined
            model = queryset.model
            if queryset.query.select_related or queryset.query.deferred_loading[0] or len(compiler.select) != len(
                    model._meta.concrete_fields):
                raise ValueError("a Prepared query of objects reads its model's own columns only")
            fields = [f.attname for f in model._meta.concrete_fields]
        return sql, list(params), at[0], converters, fields, queryset.model

    def rows(self, value: int, using: str = DEFAULT_DB_ALIAS) -> list[list[Any]]:
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        sql, params, at, converters, _fields, _model = compiled
        params = list(params)
        params[at] = value
        db = connections[using]
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for row in rows:
            for position, (functions, expression) in converters.items():
                for function in functions:
                    row[position] = function(row[position], expression, db)
        return rows

    def first_object(self, value: int, using: str = DEFAULT_DB_ALIAS) -> Model | None:
        """The first row as a model object (the query selects the model's own columns), or None."""
        rows = self.rows(value, using)
        if not rows:
            return None
        _sql, _params, _at, _converters, fields, model = self._compiled[using]
        if fields is None:
            raise ValueError("this Prepared query reads values, not objects")
        return model.from_db(using, fields, rows[0])
