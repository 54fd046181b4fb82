"""Task people are members (see 0008): the account column goes, the member file's is required."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("plans", "0008_assignment_member_data")]

    operations = [
        migrations.RemoveConstraint(model_name="taskassignment", name="task_assignment_one_role_per_person"),
        migrations.RemoveField(model_name="taskassignment", name="user"),
        migrations.AlterField(
            model_name="taskassignment",
            name="member",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="task_assignments",
                                    to="members.member", verbose_name="person"),
        ),
        migrations.AddConstraint(
            model_name="taskassignment",
            constraint=models.UniqueConstraint(fields=("task", "member"), name="task_assignment_one_role_per_person"),
        ),
    ]
