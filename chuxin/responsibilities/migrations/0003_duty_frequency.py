"""Duties met by reports get the reports' frequency, and what a report of another frequency ticked is taken back.

A duty asking for a report N times a year is taken to ask for reports of that rhythm (12: monthly, 4: quarterly,
2: half-yearly, 1: yearly, as the default templates say); other counts stay "any". Then a report of a different
frequency (the records carry their requirement's since reports 0004) no longer counts towards it: a monthly report
had ticked the secretary's yearly 述职. Duties marked by hand keep their mark.
"""

from django.db import migrations, models

REPORT_KINDS = ("report_filed", "report_accepted")
BY_COUNT = {12: "monthly", 4: "quarterly", 2: "half_yearly", 1: "yearly"}
CHOICES = [("", "any"), ("monthly", "monthly"), ("quarterly", "quarterly"), ("half_yearly", "half-yearly"),
           ("yearly", "yearly")]
HELP = ("For duties completed by reports: only reports of this frequency count (a monthly report never completes "
        "a yearly duty). Leave empty for any.")


def forwards(apps, schema_editor):
    TemplateItem = apps.get_model("responsibilities", "TemplateItem")
    ListItem = apps.get_model("responsibilities", "ListItem")
    EvidenceLink = apps.get_model("responsibilities", "EvidenceLink")
    WorkRecord = apps.get_model("records", "WorkRecord")
    for model in (TemplateItem, ListItem):
        for count, frequency in BY_COUNT.items():
            model.objects.filter(evidence_kind__in=REPORT_KINDS, required_count=count, frequency="").update(
                frequency=frequency)
    items = ListItem.objects.filter(evidence_kind__in=REPORT_KINDS).exclude(frequency="").filter(
        evidence__isnull=False).distinct()
    for item in items:
        wrong = []
        for link in EvidenceLink.objects.filter(item=item):
            record = WorkRecord.objects.filter(kind=item.evidence_kind, target_type=link.target_type,
                                               target_id=link.target_id).first()
            said = (record.payload or {}).get("frequency") if record else None
            if said and said != item.frequency:
                wrong.append(link.pk)
        if not wrong:
            continue
        EvidenceLink.objects.filter(pk__in=wrong).delete()
        if item.marked_by_id is not None:
            continue  # marked by hand: the mark stands
        item.done_count = EvidenceLink.objects.filter(item=item).count()
        if item.done_count < item.required_count:
            item.done_at = None
        if not item.done_count:
            item.done_source_type = item.done_source_id = item.done_source_label = item.done_source_url = ""
        item.save(update_fields=["done_count", "done_at", "done_source_type", "done_source_id",
                                 "done_source_label", "done_source_url"])


class Migration(migrations.Migration):

    dependencies = [
        ("responsibilities", "0002_one_list_per_post"),
        ("records", "0001_initial"),
        ("reports", "0004_record_frequency"),
    ]

    operations = [
        migrations.AddField(
            model_name="listitem",
            name="frequency",
            field=models.CharField(blank=True, choices=CHOICES, default="", help_text=HELP, max_length=20,
                                   verbose_name="report frequency"),
        ),
        migrations.AddField(
            model_name="templateitem",
            name="frequency",
            field=models.CharField(blank=True, choices=CHOICES, default="", help_text=HELP, max_length=20,
                                   verbose_name="report frequency"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
