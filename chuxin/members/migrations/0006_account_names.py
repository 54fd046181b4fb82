"""An account shows its person's name: every account linked to a member file takes the file's name (accounts
made before showed titles such as "机关第一党支部书记"). Accounts without a member file keep their display name.
Safe on an empty database; reversing it changes nothing (the old titles are not kept)."""

from django.db import migrations


def names_from_files(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    User = apps.get_model("accounts", "User")
    for user_id, name in Member.objects.filter(user__isnull=False).values_list("user_id", "name").iterator():
        User.objects.filter(pk=user_id).exclude(display_name=name).update(display_name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_merge_0004_mask_last_four_0004_name_no_formula"),
        ("accounts", "0003_login_throttle"),
    ]

    operations = [migrations.RunPython(names_from_files, migrations.RunPython.noop)]
