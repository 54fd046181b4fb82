"""Database upkeep that the code itself must do."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model, QuerySet, Value
from django.db.models.base import ModelState
from django.db.models.query import ModelIterable, ValuesIterable, ValuesListIterable, get_related_populators
from django.db.models.signals import post_init, pre_init

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


def rows_exist(items: Sequence[QuerySet | Bound]) -> list[bool]:
    """Whether each queryset has a row, in one query: `SELECT EXISTS (...), EXISTS (...), ...` (PostgreSQL and
    SQLite both take a SELECT without FROM). A queryset that is empty by its conditions alone (`pk__in=[]`, a
    scope the user does not have) is answered without SQL. Each `.exists()` would be a query of its own: the
    workbench asks some twenty at once for each person (chuxin.workbench.selectors).

    An item may also be a `Bound` (PreparedExists.bind below): querysets of a fixed shape compiled once, whose SQL
    is only given its values; it answers whether any of its querysets has a row."""
    answers: list[bool] = [False] * len(items)
    parts: list[str] = []
    params: list = []
    asked: list[int] = []
    aliases = {item.db for item in items}
    if len(aliases) > 1:
        raise ValueError("rows_exist: every queryset must read the same database")
    for i, item in enumerate(items):
        if isinstance(item, Bound):
            part = item.sql()
        else:
            try:
                part = item.query.exists().get_compiler(using=item.db).as_sql()
            except EmptyResultSet:
                part = None
            if part is not None:
                part = (f"EXISTS ({part[0]})", list(part[1]))
        if part is None:
            continue
        parts.append(part[0])
        params.extend(part[1])
        asked.append(i)
    if not parts:
        return answers
    with _planned_once_cursor(connections[aliases.pop()]) as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    for i, value in zip(asked, row, strict=True):
        answers[i] = bool(value)
    return answers


def _planned_once_cursor(db):
    """A cursor whose statements PostgreSQL plans once per connection (a prepared statement), where the database's
    OPTIONS allow it (`prepare_threshold`, config/settings/base.py); elsewhere Django's own cursor.

    For rows_exist: the workbench's probe is one statement of some twenty EXISTS, which PostgreSQL took ~5 ms to
    plan and ~0.5 ms to run, for every member's first count of the day. Django's cursors bind their parameters on
    the client (psycopg's ClientCursor), so the server sees a new statement text each time and plans it afresh;
    this one binds on the server, and psycopg prepares a statement text run `prepare_threshold` times (PostgreSQL
    then keeps a generic plan: 1.6 ms a run instead of 8). Wrapped as Django wraps its own, so the query is seen
    where every query is (the suite's query counts, the debug toolbar)."""
    if db.vendor != "postgresql":
        return db.cursor()
    db.ensure_connection()
    if getattr(db.connection, "prepare_threshold", None) is None:
        return db.cursor()
    return db._prepare_cursor(_planned_cursor_class()(db.connection))


@functools.cache
def _planned_cursor_class():
    """psycopg's RawCursor (PostgreSQL's own $1 placeholders), given the ORM's SQL with its %s made $n once per
    statement text. psycopg's Cursor parsed the text for its placeholders at every run when it was long (over 4 KB
    or 50 parameters: its own cache leaves those out): the workbench's probe, ~13 KB and ~170 parameters, cost
    ~0.4 ms of CPU to parse at each gathering, as much as running it."""
    import psycopg

    class PlannedCursor(psycopg.RawCursor):
        def execute(self, query, params=None, **kwargs):
            numbered = _numbered(query)
            found = super().execute(numbered, params, **kwargs)
            if self._query is None:
                # A prepared statement's run leaves no query on the cursor, where Django's debug cursor reads the
                # SQL it logs (the suite's captured queries, the debug toolbar): the text, as run.
                self._query = self._query_cls(self._tx)
                self._query.query = numbered.encode(self._encoding)
            return found

    return PlannedCursor


_PLACEHOLDER = re.compile(r"%(.)", re.DOTALL)


@functools.lru_cache(maxsize=1024)
def _numbered(sql: str) -> str:
    """The ORM's SQL (%s for each parameter, %% for a percent sign) with PostgreSQL's $1, $2... instead."""
    counter = iter(range(1, 1 << 20))

    def one(match: re.Match) -> str:
        if match[1] == "s":
            return f"${next(counter)}"
        if match[1] == "%":
            return "%"
        raise ValueError(f"a placeholder the ORM does not write: %{match[1]}")

    return _PLACEHOLDER.sub(one, sql)


class PreparedExists:
    """Whether rows exist, for querysets of a fixed shape built from a few values (ids, texts, dates, times, or
    lists of them), compiled by the ORM once per database, process and shape, then run as that SQL with the values
    put in: for the workbench's probes (chuxin.workbench.selectors), which every member's first count of the day
    asks. Building and compiling the dozen querysets took ~15 ms of CPU there, putting values into their SQL a few
    microseconds.

    `build(*values)` returns a queryset or several. It is called with stand-ins of the values' kinds (an id, a
    text, a date and a time in the 11th century, twice, with two sets) and must pass each value to the ORM as it
    is, as one or more parameters (compare with it, put it in a list), never derive another from it: a derived
    value (`now - 12 hours`, `today.year`) is a value of its own. A value that reaches the SQL in no parameter,
    or a parameter that changes with the stand-ins and is none of them, is an error at the first call. The shape
    is the values' kinds, the length of each list, and None and booleans as they are: a list of three paths and
    one of four are two shapes, compiled once each.

    `bind(*values)` gives what rows_exist answers: whether any of the querysets has a row with these values."""

    def __init__(self, build: Callable[..., QuerySet | Sequence[QuerySet]]):
        self._build = build
        self._compiled: dict[tuple, tuple] = {}

    def bind(self, *values, using: str = DEFAULT_DB_ALIAS) -> Bound:
        return Bound(self, values, using)

    def _sql(self, values: tuple, using: str) -> tuple[str, list] | None:
        found = self._filled(values, using)
        return None if found is None else found[:2]

    def _filled(self, values: tuple, using: str) -> tuple[str, list, Any] | None:
        """(SQL, its parameters with the values put in, what _part gave besides), or None: empty by conditions."""
        shape = (using, tuple(_shape(value) for value in values))
        compiled = self._compiled.get(shape)
        if compiled is None:
            compiled = self._compiled[shape] = self._compile(values, using)
        sql, params, slots, extra = compiled
        if sql is None:
            return None
        params = list(params)
        ops = connections[using].ops
        flat = _flatten(values)
        adapters = _adapters(ops)
        for position, index, adapt, wrap in slots:
            value = adapters[adapt](flat[index])
            params[position] = wrap(value) if wrap else value
        return sql, params, extra

    def _compile(self, values: tuple, using: str) -> tuple:
        """(SQL, parameters with the stand-ins in, [(position, value index, adapter name, psycopg wrapper or None)]);
        (None, [], []) when every queryset is empty by its conditions. Compiled twice, with two sets of stand-ins:
        a parameter that differs between the two and is no stand-in was derived from a value, which the SQL could
        not be given."""
        sql, params, flat, extra = self._with_stand_ins(values, using, 0)
        again, params_again, _flat, _extra = self._with_stand_ins(values, using, 500)
        if sql != again or len(params) != len(params_again):
            raise ValueError("PreparedExists: the query's shape depends on its values")
        if sql is None:
            return None, [], [], extra
        forms = {}  # an adapted stand-in -> (its index among the values, the adapter that made it)
        for index, stand_in in enumerate(flat):
            if stand_in is None or isinstance(stand_in, bool):
                continue
            for name, adapt in _adapters(connections[using].ops).items():
                try:
                    forms.setdefault(_key(adapt(stand_in)), (index, name))
                except (AttributeError, TypeError, ValueError):
                    continue
        slots = []
        for position, (param, param_again) in enumerate(zip(params, params_again, strict=True)):
            found = forms.get(_key(param))
            if found is not None:  # psycopg's Int2 and the like keep their wrapper: the SQL's types depend on it
                wrap = type(param) if isinstance(param, int) and type(param) not in (int, bool) else None
                slots.append((position, *found, wrap))
            elif _key(param) != _key(param_again):
                raise ValueError(f"PreparedExists: a parameter derived from a value, not the value itself: {param!r}")
        unused = {index for index, stand_in in enumerate(flat) if stand_in is not None and not isinstance(stand_in, bool)}
        unused -= {index for _position, index, _adapt, _wrap in slots}
        if unused:  # a value the SQL never takes: transformed on the way (a LIKE pattern), or the query ignores it
            raise ValueError(f"PreparedExists: values not passed to the query as given: {sorted(unused)}")
        return sql, params, slots, extra

    def _with_stand_ins(self, values: tuple, using: str, offset: int) -> tuple[str | None, list, list, Any]:
        counter = iter(range(offset, offset + 500))
        stand_ins = tuple(_stand_in(value, counter) for value in values)
        sql, params, extra = self._part(self._build(*stand_ins), using)
        return sql, params, _flatten(stand_ins), extra

    def _part(self, built, using: str) -> tuple[str | None, list, Any]:
        """The SQL giving a boolean for the querysets `built`, its parameters, and what running it needs besides
        (None here; PreparedRows: how to read the rows). (None, [], ...): empty by their conditions."""
        parts, params = [], []
        for queryset in [built] if isinstance(built, QuerySet) else list(built):
            try:
                sql, part_params = queryset.query.exists().get_compiler(using=using).as_sql()
            except EmptyResultSet:
                continue
            parts.append(f"EXISTS ({sql})")
            params.extend(part_params)
        if not parts:
            return None, [], None
        return (parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"), params, None


@dataclass(frozen=True)
class Bound:
    """A PreparedExists with its values, for rows_exist."""

    prepared: PreparedExists
    values: tuple
    db: str

    def sql(self) -> tuple[str, list] | None:
        """(SQL giving a boolean, its parameters), or None when the querysets are empty by their conditions."""
        return self.prepared._sql(self.values, self.db)


class PreparedRows(PreparedExists):
    """A query of a fixed shape built from a few values, as PreparedExists takes them (ids, texts, dates, times,
    lists of them; compiled by the ORM once per database, process and shape), that reads its rows: a queryset of
    `.values(...)` gives dicts (`dicts`), of `.values_list(...)`, tuples (`tuples`), of objects, model objects
    as the ORM makes them (`objects`: the model's columns or those `.only()` names, what select_related joins,
    annotations; no prefetch_related); each value converted as the ORM converts it (JSON, dates, booleans on
    SQLite). Ordering and slices belong to the shape; `window` or `pages` read a page of the rows.

    For the queries a request makes many times over with other values: the daily practice's answers
    (chuxin.quizzes.services), where building and compiling a `.get()` cost ~0.7-1 ms of CPU and running it
    ~0.2. The SQL is the ORM's own, run on Django's cursor: the query is seen where every query is (the suite's
    query counts, the debug toolbar)."""

    def _part(self, built, using: str) -> tuple[str | None, list, Any]:
        if not isinstance(built, QuerySet):
            raise ValueError("PreparedRows: build one queryset")
        compiler = built.query.get_compiler(using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None, [], None
        converters = compiler.get_converters([expression for expression, _sql, _alias in compiler.select])
        query = built.query
        if built._iterable_class is ModelIterable:
            # Made as ModelIterable makes them: the model's columns (all, or those `.only()` names, the others
            # deferred), the related objects select_related reads, the annotations.
            if built._prefetch_related_lookups or built._known_related_objects:
                raise ValueError("PreparedRows: objects without prefetch_related or known related objects")
            info, select = compiler.klass_info, compiler.select
            start, end = info["select_fields"][0], info["select_fields"][-1] + 1
            names = _Objects([column[0].target.attname for column in select[start:end]], start, end,
                             get_related_populators(info, select, using), dict(compiler.annotation_col_map or {}))
        elif built._iterable_class is ValuesIterable:
            # As ValuesIterable names them: in the order .values() gave (Django 5.2 selects in that order).
            names = list(query.selected) if query.selected else [
                *query.extra_select, *query.values_select, *query.annotation_select]
        elif built._iterable_class is ValuesListIterable:
            names = None
        else:
            raise ValueError("PreparedRows: objects, .values() or .values_list() (not flat, not named)")
        # A DISTINCT ordered by columns it does not read selects them too, after its own: cut, as the ORM does.
        return sql, list(params), (converters, names, built.model, len(compiler.select), query.is_sliced)

    def queryset(self, *values) -> QuerySet:
        """The queryset these values build, as the ORM would run it (what a test compares or inspects)."""
        return self._build(*values)

    def _rows(self, values: tuple, using: str, window: tuple[int, int] | None = None) -> tuple[list[list], Any]:
        found = self._filled(values, using)
        if found is None:
            return [], None
        sql, params, (converters, names, model, width, sliced) = found
        if window is not None:  # a page of the rows: one statement for every page, its bounds as parameters
            if sliced:
                raise ValueError("PreparedRows: a window of a query that is sliced already")
            sql, params = f"{sql} LIMIT %s OFFSET %s", [*params, window[1] - window[0], window[0]]
        db = connections[using]
        with _planned_once_cursor(db) as cursor:
            cursor.execute(sql, params)
            rows = [list(row[:width]) for row in cursor.fetchall()]
        for row in rows:
            for position, (functions, expression) in converters.items():
                for function in functions:
                    row[position] = function(row[position], expression, db)
        return rows, (names, model)

    def tuples(self, *values, using: str = DEFAULT_DB_ALIAS, window: tuple[int, int] | None = None) -> list[tuple]:
        return [tuple(row) for row in self._rows(values, using, window)[0]]

    def dicts(self, *values, using: str = DEFAULT_DB_ALIAS, window: tuple[int, int] | None = None) -> list[dict]:
        """The rows as dicts; `window` (start, stop): only those rows, as a slice of the queryset would read."""
        rows, how = self._rows(values, using, window)
        return [dict(zip(how[0], row, strict=True)) for row in rows] if rows else []

    def row(self, *values, using: str = DEFAULT_DB_ALIAS) -> dict | None:
        """The one row as a dict (a `totals` query's), None when there is none."""
        found = self.dicts(*values, using=using)
        return found[0] if found else None

    def pages(self, *values, count: int, using: str = DEFAULT_DB_ALIAS) -> Pages:
        """The rows as dicts for a paginator that knows their `count`: each page it slices is one query."""
        return Pages(self, values, count, using)

    def objects(self, *values, using: str = DEFAULT_DB_ALIAS, window: tuple[int, int] | None = None) -> list[Model]:
        rows, how = self._rows(values, using, window)
        if not rows:
            return []
        made, model = how
        found = []
        for row in rows:
            obj = model.from_db(using, made.init_list, row[made.start:made.end])
            for populator in made.related:
                populator.populate(row, obj)
            for name, position in made.annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def first_object(self, *values, using: str = DEFAULT_DB_ALIAS) -> Model | None:
        found = self.objects(*values, using=using)
        return found[0] if found else None


@dataclass(frozen=True)
class _Objects:
    """How PreparedRows.objects makes a row into objects (what ModelIterable works out at each query)."""

    init_list: list[str]
    start: int
    end: int
    related: list
    annotations: dict[str, int]


@dataclass(frozen=True)
class Pages:
    """PreparedRows.pages: a sequence of `count` rows that reads only the slice asked for (Paginator.page)."""

    prepared: PreparedRows
    values: tuple
    count: int
    using: str

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, window: slice) -> list[dict]:
        if not isinstance(window, slice) or window.step not in (None, 1):
            raise TypeError("Pages: slices only")
        start, stop, _step = window.indices(self.count)
        return self.prepared.dicts(*self.values, using=self.using, window=(start, max(start, stop)))


def totals(queryset: QuerySet, **aggregates) -> QuerySet:
    """What `queryset.aggregate(**aggregates)` computes, as a queryset of one row of values (a PreparedRows can
    compile it once): grouped by a constant, which the ORM leaves out of GROUP BY, so the aggregates run over
    every row, and over none (counts 0) when there are none."""
    return (queryset.order_by().annotate(_whole=Value(1)).values("_whole").annotate(**aggregates)
            .values(*aggregates))


def loaded(model: type[Model], values: dict[str, Any], using: str = DEFAULT_DB_ALIAS) -> Model:
    """A model object as the ORM makes one from a row: `values` by attribute name (`organization_id`), the
    model's other fields deferred (read when asked for, as `.only()` leaves them). Model.from_db takes the values
    in the order of the model's fields; this puts them in it."""
    attnames = _attnames(model)
    if not attnames.issuperset(values):
        raise ValueError(f"{model.__name__} has no field {sorted(set(values) - attnames)}")
    if _plain(model):
        # What Model.__init__ with these values and the others deferred leaves, without its per-field walk (a
        # secretary's workbench makes some seventy objects at each gathering): the values in __dict__, a
        # field missing from it is deferred, the state of a row read from `using`.
        obj = model.__new__(model)
        obj._state = ModelState()
        obj._state.adding, obj._state.db = False, using
        obj.__dict__.update(values)
        return obj
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(using, names, [values[name] for name in names])


@functools.cache
def _attnames(model: type[Model]) -> frozenset[str]:
    return frozenset(field.attname for field in model._meta.concrete_fields)


def _plain(model: type[Model]) -> bool:
    """Whether Model.from_db would make the object with nothing besides the values: no __init__ or from_db of its
    own, nobody listening to its pre_init or post_init (an ImageField's dimensions, for one)."""
    return (model.__init__ is Model.__init__ and model.from_db.__func__ is Model.from_db.__func__
            and not pre_init.has_listeners(model) and not post_init.has_listeners(model))


def _shape(value) -> tuple:
    if value is None or isinstance(value, bool):
        return ("const", value)
    if isinstance(value, list | tuple):
        return ("list", tuple(_shape(v) for v in value))
    for kind in (int, str, datetime.datetime, datetime.date):  # datetime before date: it is a date too
        if isinstance(value, kind):
            return (kind.__name__,)
    raise TypeError(f"PreparedExists takes ids, texts, dates, times and lists of them, not {type(value)}")


def _stand_in(value, counter):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, list | tuple):
        return [_stand_in(v, counter) for v in value]
    k = next(counter)
    if isinstance(value, int):
        return 30_011 + k  # within every integer field's range (a small positive one's too): never an empty result
    if isinstance(value, str):
        return f"\u2063stand-in {k}\u2063"
    if isinstance(value, datetime.datetime):
        return datetime.datetime(1001 + k, 1, 1, tzinfo=datetime.UTC)
    return datetime.date(1001 + k, 2, 2)


def _flatten(values) -> list:
    flat: list = []
    for value in values:
        if isinstance(value, list | tuple):
            flat.extend(_flatten(value))
        else:
            flat.append(value)
    return flat


def _adapters(ops) -> dict[str, Callable]:
    """How the ORM passes a value to the database: as it is, or adapted as a date or a time (SQLite: as text)."""
    return {"raw": lambda v: v, "date": ops.adapt_datefield_value, "datetime": ops.adapt_datetimefield_value}


def _key(param):
    """A parameter as a dict key (its type too: 1 and True, "1" and 1 are different parameters)."""
    try:
        hash(param)
    except TypeError:
        return (type(param).__name__, repr(param))
    if type(param).__eq__ is object.__eq__:  # equal only to itself (psycopg's Jsonb(True)): by what it shows
        return (type(param).__name__, repr(param))
    if isinstance(param, int) and not isinstance(param, bool):
        return ("int", int(param))  # psycopg's Int2(5) is the value 5
    return (type(param).__name__, param)


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
