
import chuxin.members.models
from django.conf import settings
from django.db import migrations, models


# Search anywhere in a name or a phone number on PostgreSQL: trigram (pg_trgm) GIN indexes, which LIKE '%x%' uses
# from three characters on. The extension ships with PostgreSQL (postgresql-contrib); creating it needs a
# superuser or a database owner on PostgreSQL 13+ (it is a trusted extension). SQLite has no such index.
TRIGRAM_INDEXES = [
    ("member_name_trgm", "name"),
    ("member_phone_trgm", "phone"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON members_member USING gin ({column} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0006_account_names'),
        ('orgs', '0003_backfill_work_records'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='member',
            index=models.Index(chuxin.members.models.FirstCharacter('name'), models.F('name_pinyin'), models.F('id'), name='member_surname'),
        ),
        migrations.AddIndex(
            model_name='member',
            index=models.Index(fields=['name'], name='member_name', opclasses=['varchar_pattern_ops']),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
