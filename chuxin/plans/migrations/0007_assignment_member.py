"""Task people are members (see 0008): the member file's column, filled in by the next migration."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_account_names"),
        ("plans", "0006_merge_20261130_1335"),
    ]

    operations = [
        migrations.AddField(
            model_name="taskassignment",
            name="member",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="task_assignments", to="members.member", verbose_name="person"),
        ),
    ]
