"""Stored masks showed the first three and the last four characters; keep only the last four (citizen_id.mask).

The mask's own last four characters are all that is needed, so nothing is decrypted."""

from django.db import migrations
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Right


def mask_last_four(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    Member.objects.exclude(citizen_id_masked="").update(
        citizen_id_masked=Concat(Value("*" * 14), Right("citizen_id_masked", 4), output_field=CharField())
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0003_member_list_index")]

    operations = [migrations.RunPython(mask_last_four, migrations.RunPython.noop)]
