import datetime

from django.core.management import call_command

from chuxin.responsibilities.demo import seed_demo_data
from chuxin.responsibilities.models import ListItem, PostKind, ResponsibilityList, ResponsibilityTemplate


def test_demo_lists_for_every_seat_some_done_and_idempotent(db):
    call_command("seed_demo", unit_only=True, verbosity=0)
    today = datetime.date.today()
    seed_demo_data(today=today)
    lists = ResponsibilityList.objects.filter(year=today.year)
    counts = (lists.count(), ListItem.objects.count(), ListItem.objects.filter(done_at__isnull=False).count())
    assert ResponsibilityTemplate.objects.filter(organization__code="HX-PC").count() == 4
    assert lists.filter(organization__code="HX-PC", post_kind=PostKind.COMMITTEE).exists()
    # secretary1 is the login of the HX-B01 secretary's member file
    assert lists.filter(holder_member__user__username="secretary1", post_kind=PostKind.SECRETARY).exists()
    assert counts[2] >= 5
    seed_demo_data(today=today)
    assert counts == (lists.count(), ListItem.objects.count(),
                      ListItem.objects.filter(done_at__isnull=False).count())


def test_the_command_makes_lists_for_existing_seats(db):
    call_command("seed_demo", unit_only=True, verbosity=0)
    assert not ResponsibilityList.objects.exists()
    call_command("ensure_responsibility_lists", year=2025, verbosity=0)
    assert ResponsibilityList.objects.filter(year=2025, organization__code="HX-B01").count() >= 3
