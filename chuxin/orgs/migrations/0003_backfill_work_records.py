"""Back-fill the work records (chuxin.records) of the seats held this year, taken before the record stream existed."""

import datetime

from django.db import migrations
from django.db.models import Q
from django.utils import timezone


def forwards(apps, schema_editor):
    Position = apps.get_model("orgs", "Position")
    WorkRecord = apps.get_model("records", "WorkRecord")
    year = timezone.localdate().year
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    seats = (
        Position.objects.filter(started_on__lte=end).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("organization", "member")
    )
    for seat in seats:
        holder = f"m:{seat.member_id}" if seat.member_id else f"n:{seat.person_name}"
        record, created = WorkRecord.objects.get_or_create(
            kind="position_taken", target_type="orgs.position", target_id=str(seat.pk), key=f"{holder}:{year}",
            defaults={"organization": seat.organization, "organization_path": seat.organization.path,
                      "on": max(seat.started_on, start), "label": (seat.member.name if seat.member_id
                                                                   else seat.person_name)[:200],
                      "payload": {"post": seat.kind, "year": year}},
        )
        if created and seat.member_id:
            record.members.add(seat.member_id)
            if seat.member.user_id:
                record.users.add(seat.member.user_id)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_rule_settings"), ("records", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
