"""Back-fill the work records (chuxin.records) of tasks confirmed before the record stream existed."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Task = apps.get_model("plans", "Task")
    TaskAssignment = apps.get_model("plans", "TaskAssignment")
    WorkRecord = apps.get_model("records", "WorkRecord")
    for task in Task.objects.filter(status="done", confirmed_at__isnull=False).select_related(
            "plan_item__plan__organization"):
        organization = task.plan_item.plan.organization
        record, created = WorkRecord.objects.get_or_create(
            kind="task_done", target_type="plans.task", target_id=str(task.pk), key="",
            defaults={"organization": organization, "organization_path": organization.path,
                      "actor_id": task.confirmed_by_id, "on": timezone.localdate(task.confirmed_at),
                      "label": task.title[:200], "url": f"/plans/tasks/{task.pk}/", "payload": {}},
        )
        if created:
            # An assignment named an account when this ran; later ones name a member file (0007-0009).
            people = {a.role: a.user_id if hasattr(a, "user_id") else a.member.user_id
                      for a in TaskAssignment.objects.filter(task=task)}
            user_id = people.get("responsible") or people.get("lead")
            if user_id:
                record.users.add(user_id)


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_task_directive_recipient"), ("records", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
