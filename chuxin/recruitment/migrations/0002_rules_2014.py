"""The 2014 Detailed Rules on Recruitment (中国共产党发展党员工作细则, 2014) as the shipped rule set: 5 stages,
25 steps, the article of each and the time limits the platform computes. A later revision is added the same way,
as a new RuleSet with its steps (in a migration or by the Party-affairs office), without code."""

from django.db import migrations

from chuxin.recruitment.rulesets import install_shipped


def seed(apps, schema_editor):
    install_shipped(apps.get_model("recruitment", "RuleSet"), apps.get_model("recruitment", "StepRule"))


def unseed(apps, schema_editor):
    apps.get_model("recruitment", "RuleSet").objects.filter(code="2014").delete()


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
