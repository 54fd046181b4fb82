"""Feed tokens are stored as their SHA-256 digest, never in the clear: existing tokens are converted, so the
links people have already subscribed to keep working."""

import hashlib

from django.db import migrations, models


def to_digests(apps, schema_editor):
    FeedToken = apps.get_model("workbench", "FeedToken")
    for feed in FeedToken.objects.all().only("id", "token"):
        feed.digest = hashlib.sha256(feed.token.encode()).hexdigest()
        feed.save(update_fields=["digest"])


def forget_all(apps, schema_editor):
    """Back to clear tokens: a digest does not give its token back, so the links are dropped (people make new
    ones) rather than given tokens nobody has."""
    apps.get_model("workbench", "FeedToken").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("workbench", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedtoken",
            name="digest",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="token digest"),
        ),
        migrations.RunPython(to_digests, forget_all),
        migrations.RemoveField(model_name="feedtoken", name="token"),
        migrations.AlterField(
            model_name="feedtoken",
            name="digest",
            field=models.CharField(editable=False, max_length=64, unique=True, verbose_name="token digest"),
        ),
    ]
