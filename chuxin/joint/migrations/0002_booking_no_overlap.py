"""Two approved bookings of one resource never overlap: on PostgreSQL an exclusion constraint (btree_gist for the
resource's equality, tstzrange overlap for the times) enforces it in the database. Other databases (the embedded
SQLite) rely on the service's serialized check (one writer at a time); this migration does nothing there."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE joint_booking ADD CONSTRAINT joint_booking_no_overlap
    EXCLUDE USING gist (resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status = 'approved');
"""
DROP = "ALTER TABLE joint_booking DROP CONSTRAINT IF EXISTS joint_booking_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("joint", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
