"""Back-fill the work records (chuxin.records) of directives completed before the record stream existed."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    DirectiveRecipient = apps.get_model("directives", "DirectiveRecipient")
    WorkRecord = apps.get_model("records", "WorkRecord")
    for row in DirectiveRecipient.objects.filter(state="completed", completed_at__isnull=False).select_related(
            "organization", "directive"):
        done_on = timezone.localdate(row.completed_at)
        record, created = WorkRecord.objects.get_or_create(
            kind="directive_done", target_type="directives.directiverecipient", target_id=str(row.pk), key="",
            defaults={"organization": row.organization, "organization_path": row.organization.path,
                      "actor_id": row.completed_by_id, "on": done_on, "label": row.directive.title[:200],
                      "url": f"/directives/received/{row.pk}/",
                      "payload": {"on_time": done_on <= row.directive.due_on}},
        )
        if created and row.completed_by_id:
            record.users.add(row.completed_by_id)


class Migration(migrations.Migration):
    dependencies = [("directives", "0001_initial"), ("records", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
