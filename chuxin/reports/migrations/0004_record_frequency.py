"""Report records carry their requirement's frequency (payload `frequency`), so a duty that asks for a yearly
report is ticked only by a yearly one. Records written before have it added from their report's requirement."""

from django.db import migrations

KINDS = ("report_filed", "report_accepted")


def forwards(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    WorkRecord = apps.get_model("records", "WorkRecord")
    records = list(WorkRecord.objects.filter(kind__in=KINDS, target_type="reports.report"))
    ids = {int(r.target_id) for r in records if r.target_id.isdigit()}
    frequency = dict(Report.objects.filter(pk__in=ids).values_list("pk", "period__requirement__frequency"))
    changed = []
    for record in records:
        found = frequency.get(int(record.target_id)) if record.target_id.isdigit() else None
        if found and (record.payload or {}).get("frequency") != found:
            record.payload = {**(record.payload or {}), "frequency": found}
            changed.append(record)
    WorkRecord.objects.bulk_update(changed, ["payload"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_merge_20261130_1317"), ("records", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
