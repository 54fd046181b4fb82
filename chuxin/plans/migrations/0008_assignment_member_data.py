"""Task people are members: each assignment names the member file, not a login account.

An assignment of an account with a member file moves to that file. An account without one is matched by its
name: when exactly one member on the roll of the plan's organization subtree, without a login, bears the account's
display name, the account is linked to that file (it is that person) and the assignment moves to it. Otherwise (a
Party-affairs worker from the unit's office, an administrator, a title for a name) the account cannot hold a task
any more: its assignment is removed and the audit log says so on the task ("people: responsible: <name> → none"), so
the plan's organization sees whom to choose instead. Safe on an empty database. Not reversible: an account is no
longer a task's person."""

from django.db import migrations


def to_member_files(apps, schema_editor):
    Assignment = apps.get_model("plans", "TaskAssignment")
    Member = apps.get_model("members", "Member")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    files = dict(Member.objects.filter(user__isnull=False).values_list("user_id", "id"))
    rows = Assignment.objects.select_related("user", "task__plan_item__plan__organization").order_by("id")
    for row in list(rows):
        member_id = files.get(row.user_id)
        organization = row.task.plan_item.plan.organization
        name = row.user.display_name or row.user.username
        if member_id is None:
            namesakes = list(Member.objects.filter(
                name=name, user__isnull=True, status="active", organization__path__startswith=organization.path,
            ).values_list("id", flat=True)[:2])
            if len(namesakes) == 1:  # that person's file: the account becomes theirs
                member_id = files[row.user_id] = namesakes[0]
                Member.objects.filter(pk=member_id).update(user_id=row.user_id)
        if member_id is not None:
            Assignment.objects.filter(pk=row.pk).update(member_id=member_id)
            continue
        AuditEntry.objects.create(
            action="update", target_type="plans.task", target_id=str(row.task_id),
            target_repr=row.task.title[:200], organization=organization, organization_path=organization.path,
            changes={"people": [f"{row.role}: {name}", ""]},
        )
        row.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0007_assignment_member"),
        ("audit", "0003_more_actions"),
    ]

    # Data only: the schema changes follow in 0009, in a transaction of their own (PostgreSQL refuses to alter a
    # table with pending trigger events from updates in the same transaction).
    operations = [migrations.RunPython(to_member_files, migrations.RunPython.noop)]
