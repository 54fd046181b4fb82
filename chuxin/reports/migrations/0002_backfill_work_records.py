"""Back-fill the work records (chuxin.records) of reports filed and accepted before the record stream existed."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    WorkRecord = apps.get_model("records", "WorkRecord")
    for report in Report.objects.filter(submitted_at__isnull=False).select_related("organization", "period"):
        period = f"{report.period.start:%Y-%m-%d}/{report.period.end:%Y-%m-%d}"
        filed_on = timezone.localdate(report.first_submitted_at or report.submitted_at)
        common = {"organization": report.organization, "organization_path": report.organization.path,
                  "label": period, "url": f"/reports/{report.pk}/"}
        person = report.author_id or report.holder_id
        record, created = WorkRecord.objects.get_or_create(
            kind="report_filed", target_type="reports.report", target_id=str(report.pk), key="",
            defaults={**common, "actor_id": report.author_id, "on": filed_on,
                      "payload": {"period": period, "late": filed_on > report.period.due_on}},
        )
        if created and person:
            record.users.add(person)
        if report.status == "accepted" and report.reviewed_at:
            record, created = WorkRecord.objects.get_or_create(
                kind="report_accepted", target_type="reports.report", target_id=str(report.pk), key="",
                defaults={**common, "on": timezone.localdate(report.reviewed_at), "payload": {"period": period}},
            )
            if created and person:
                record.users.add(person)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("records", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
