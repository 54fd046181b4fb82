"""The library's full-text index, one per database (chuxin/learning/search.py):

- PostgreSQL: a GIN index on to_tsvector('simple', search_words), the expression the search uses;
- SQLite: an FTS5 table with the items as its external content, kept by triggers on insert, update and delete.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE learning_item_fts USING fts5(search_words, content='learning_item', content_rowid='id',"
    " tokenize='unicode61')",
    "CREATE TRIGGER learning_item_fts_ai AFTER INSERT ON learning_item BEGIN "
    "INSERT INTO learning_item_fts(rowid, search_words) VALUES (new.id, new.search_words); END",
    "CREATE TRIGGER learning_item_fts_ad AFTER DELETE ON learning_item BEGIN "
    "INSERT INTO learning_item_fts(learning_item_fts, rowid, search_words) VALUES ('delete', old.id, "
    "old.search_words); END",
    "CREATE TRIGGER learning_item_fts_au AFTER UPDATE OF search_words ON learning_item BEGIN "
    "INSERT INTO learning_item_fts(learning_item_fts, rowid, search_words) VALUES ('delete', old.id, "
    "old.search_words); INSERT INTO learning_item_fts(rowid, search_words) VALUES (new.id, new.search_words); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS learning_item_fts_au", "DROP TRIGGER IF EXISTS learning_item_fts_ad",
    "DROP TRIGGER IF EXISTS learning_item_fts_ai", "DROP TABLE IF EXISTS learning_item_fts",
]
PG_UP = ["CREATE INDEX learning_item_words ON learning_item USING gin (to_tsvector('simple', search_words))"]
PG_DOWN = ["DROP INDEX IF EXISTS learning_item_words"]


def up(apps, schema_editor):
    statements = {"sqlite": SQLITE_UP, "postgresql": PG_UP}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def down(apps, schema_editor):
    statements = {"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
