import datetime

from django.utils import timezone

from chuxin.notifications.reminders import send_due_reminders
from chuxin.responsibilities.models import PostKind, ResponsibilityList
from chuxin.responsibilities.reminders import due_reminders, quarter_end

YEAR = timezone.localdate().year


def test_quarter_end():
    assert quarter_end(datetime.date(2026, 2, 10)) == datetime.date(2026, 3, 31)
    assert quarter_end(datetime.date(2026, 12, 31)) == datetime.date(2026, 12, 31)
    assert quarter_end(datetime.date(2026, 7, 1)) == datetime.date(2026, 9, 30)


def test_holders_behind_are_reminded_once_a_quarter_near_its_end(world, seats):
    assert due_reminders(datetime.date(YEAR, 8, 1)) == []
    reminders = due_reminders(datetime.date(YEAR, 9, 20))
    recipients = {r.recipient for r in reminders}
    assert world.secretary in recipients and world.outsider in recipients
    assert None not in recipients  # the committee's own list has no holder to remind
    assert {r.dedup_key for r in reminders} == {f"quarter:{YEAR}Q3"}
    secretary_list = seats.secretary.responsibility_lists.get()
    assert any(r.target == secretary_list for r in reminders)


def test_the_first_run_of_a_year_makes_its_lists(world, seats):
    """The daily run does every app's housekeeping before the reminders; this app's makes the year's lists."""
    next_year = YEAR + 1
    secretary_list = ResponsibilityList.objects.filter(year=next_year, organization=world.b1,
                                                       post_kind=PostKind.SECRETARY)
    due_reminders(datetime.date(next_year, 1, 2))
    assert not secretary_list.exists()  # the reminders only read
    send_due_reminders(datetime.date(next_year, 1, 2))
    assert secretary_list.exists()
