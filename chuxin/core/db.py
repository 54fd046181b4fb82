"""Database upkeep that the code itself must do."""

from __future__ import annotations

from django.db import connection

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
