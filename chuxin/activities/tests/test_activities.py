"""Activities: sign-up and the waiting list, check-in and check-out, hours, closing, and what the house reads."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chuxin.activities import reminders, selectors, services
from chuxin.activities.models import Activity, Participant
from chuxin.audit.models import AuditEntry
from chuxin.meetings import checkin as codes
from chuxin.notifications.models import Notification
from chuxin.records.models import WorkRecord
from chuxin.records.selectors import period_facts as record_facts
from chuxin.testing import make_member, make_user

from .conftest import activity, begun

State = Participant.State


def test_places_fill_then_the_waiting_list_which_moves_up_on_a_cancellation(world, people,
                                                                          django_capture_on_commit_callbacks):
    a = activity(world, capacity=2)
    first = services.participant_signup(actor=people.li.user, activity=a)
    second = services.participant_signup(actor=people.zhou.user, activity=a)
    third = services.participant_signup(actor=people.wu.user, activity=a)
    assert (first.state, second.state, third.state) == (State.SIGNED_UP, State.SIGNED_UP, State.WAITING)
    assert selectors.counts(a) == {"signed": 2, "waiting": 1, "free": 0}
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_withdraw(actor=people.li.user, participant=first)
    third.refresh_from_db()
    assert third.state == State.SIGNED_UP and third.promoted_at is not None
    told = Notification.objects.get(recipient=people.wu.user)
    assert "moved up from the waiting list" in told.message and told.url == a.get_absolute_url()
    assert not Notification.objects.filter(recipient=people.zhou.user).exists()


def test_signing_up_twice_takes_one_place(world, people):
    a = activity(world, capacity=1)
    services.participant_signup(actor=people.li.user, activity=a)
    services.participant_signup(actor=people.li.user, activity=a)
    assert a.participants.count() == 1
    assert services.participant_signup(actor=people.zhou.user, activity=a).state == State.WAITING


def test_a_withdrawn_member_signing_up_again_goes_to_the_end_of_the_queue(world, people):
    a = activity(world, capacity=1)
    mine = services.participant_signup(actor=people.li.user, activity=a)
    services.participant_signup(actor=people.zhou.user, activity=a)
    services.participant_signup(actor=people.wu.user, activity=a)
    services.participant_withdraw(actor=people.li.user, participant=mine)
    again = services.participant_signup(actor=people.li.user, activity=a)
    assert again.state == State.WAITING
    assert selectors.waiting_position(again) == 2


def test_only_members_of_the_organizers_subtree_sign_up(world, people):
    a = activity(world)
    with pytest.raises(PermissionDenied):  # B2's secretary stands nowhere near B1
        services.participant_signup(actor=world.outsider, activity=a)
    with pytest.raises(ValidationError, match="Only members of"):  # the secretary has no member file
        services.participant_signup(actor=world.secretary, activity=a)
    committee_wide = activity(world, org=world.pc)
    assert services.participant_signup(actor=people.li.user, activity=committee_wide).state == State.SIGNED_UP


def test_sign_up_closes_when_the_activity_begins(world, people):
    a = begun(activity(world))
    with pytest.raises(ValidationError, match="Sign-up has closed"):
        services.participant_signup(actor=people.li.user, activity=a)


def test_a_smaller_capacity_keeps_those_signed_up_and_a_larger_one_moves_the_queue_up(world, people):
    a = activity(world, capacity=1)
    for person in (people.li, people.zhou, people.wu):
        services.participant_signup(actor=person.user, activity=a)
    services.activity_update(actor=world.secretary, activity=a, capacity=2)
    assert selectors.counts(a) == {"signed": 2, "waiting": 1, "free": 0}
    with pytest.raises(ValidationError) as refused:
        services.activity_update(actor=world.secretary, activity=a, capacity=1)
    assert "2 people have already signed up" in str(refused.value)
    assert Activity.objects.get(pk=a.pk).capacity == 2


def test_the_end_comes_after_the_start(world):
    with pytest.raises(ValidationError, match="end must come after"):
        activity(world, hours=0)


def test_partner_units_co_organize_only_where_they_are_partners(world):
    from chuxin.orgs.models import PartnerUnit

    ours = PartnerUnit.objects.create(host=world.pc, name="城南街道社区")
    theirs = PartnerUnit.objects.create(host=world.b2, name="别家医院")
    a = activity(world, partners=[ours])
    assert list(a.partners.all()) == [ours]
    with pytest.raises(ValidationError, match="not a partner unit"):
        activity(world, partners=[theirs])


# --- check-in, check-out, hours ---------------------------------------------------------------------------------


def _signed(world, people, a=None):
    a = a or activity(world)
    row = services.participant_signup(actor=people.li.user, activity=a)
    return begun(a), row


def test_check_out_before_check_in_is_refused(world, people):
    a, row = _signed(world, people)
    with pytest.raises(ValidationError, match="has not checked in"):
        services.participant_check_out(actor=world.secretary, participant=row)
    row.refresh_from_db()
    assert row.checked_out_at is None and row.hours is None


def test_check_out_before_check_in_on_the_page_says_why(world, people, client_for):
    a, row = _signed(world, people)
    response = client_for(world.secretary).post(reverse("activities:participant-checkout", args=[row.pk]),
                                                follow=True)
    assert "李四 has not checked in: check in first, then out." in response.content.decode()


def test_hours_run_from_check_in_to_check_out_rounded_down_to_half_hours(world, people):
    a, row = _signed(world, people)
    services.participant_check_in(actor=world.secretary, participant=row)
    Participant.objects.filter(pk=row.pk).update(checked_in_at=timezone.now() - datetime.timedelta(minutes=155))
    row = services.participant_check_out(actor=world.secretary, participant=row)
    assert row.hours == Decimal("2.5")


def test_check_in_opens_an_hour_before_the_start(world, people):
    a = activity(world, starts_in=datetime.timedelta(hours=5))
    row = services.participant_signup(actor=people.li.user, activity=a)
    with pytest.raises(ValidationError, match="an hour before"):
        services.participant_check_in(actor=world.secretary, participant=row)


def test_the_waiting_list_is_not_checked_in(world, people):
    a = activity(world, capacity=1)
    services.participant_signup(actor=people.zhou.user, activity=a)
    waiting = services.participant_signup(actor=people.li.user, activity=a)
    begun(a)
    with pytest.raises(ValidationError, match="has no place"):
        services.participant_check_in(actor=world.secretary, participant=waiting)


def test_self_check_in_and_out_with_the_rotating_code(world, people, client_for):
    a, row = _signed(world, people)
    services.checkin_toggle(actor=world.secretary, activity=a, open_=True)
    number = services.code_id(a)
    client = client_for(people.li.user)
    url = reverse("activities:checkin", args=[a.pk])
    # The QR code's link checks in.
    assert client.get(url, {"t": codes.token(number, codes.window_now())}).status_code == 200
    row.refresh_from_db()
    assert row.checked_in_at is not None
    # The meeting with the same number has its own codes: refused.
    response = client.post(url, {"code": codes.six_digits(a.pk, codes.window_now()), "out": "1"})
    assert response.status_code == 400 and "current code" in response.content.decode()
    stale = codes.six_digits(number, codes.window_now() - 3)
    assert client.post(url, {"code": stale, "out": "1"}).status_code == 400
    response = client.post(url, {"code": codes.six_digits(number, codes.window_now()), "out": "1"})
    assert response.status_code == 200 and "You are checked out" in response.content.decode()
    row.refresh_from_db()
    assert row.checked_out_at is not None and row.hours == Decimal("0")


def test_self_check_out_before_check_in_is_refused(world, people):
    a, row = _signed(world, people)
    services.checkin_toggle(actor=world.secretary, activity=a, open_=True)
    with pytest.raises(ValidationError, match="check in first"):
        services.participant_self_check(actor=people.li.user, activity=a, out=True,
                                        code=codes.six_digits(services.code_id(a), codes.window_now()))


def test_self_check_in_is_refused_while_closed_and_to_those_without_a_place(world, people):
    a, row = _signed(world, people)
    code = codes.six_digits(services.code_id(a), codes.window_now())
    with pytest.raises(ValidationError, match="not open"):
        services.participant_self_check(actor=people.li.user, activity=a, code=code)
    services.checkin_toggle(actor=world.secretary, activity=a, open_=True)
    with pytest.raises(ValidationError, match="no place"):
        services.participant_self_check(actor=people.zhou.user, activity=a, code=code)


def test_the_organizer_corrects_hours_only_with_a_note(world, people):
    a, row = _signed(world, people)
    with pytest.raises(ValidationError):
        services.participant_hours_set(actor=world.secretary, participant=row, hours=Decimal("3"), note=" ")
    with pytest.raises(ValidationError):
        services.participant_hours_set(actor=world.secretary, participant=row, hours=Decimal("25"), note="整天")
    row = services.participant_hours_set(actor=world.secretary, participant=row, hours=Decimal("3"),
                                         note="忘记签退")
    assert (row.hours, row.hours_note, row.hours_by) == (Decimal("3.0"), "忘记签退", world.secretary)
    with pytest.raises(PermissionDenied):
        services.participant_hours_set(actor=people.li.user, participant=row, hours=Decimal("8"), note="自己改")


def test_closing_writes_one_record_per_participant_and_the_member_file_shows_hours_per_year(world, people,
                                                                                         client_for):
    a = activity(world, capacity=3)
    rows = [services.participant_signup(actor=p.user, activity=a) for p in (people.li, people.zhou, people.wu)]
    begun(a)
    services.participant_hours_set(actor=world.secretary, participant=rows[0], hours=Decimal("2.5"), note="按时")
    services.participant_hours_set(actor=world.secretary, participant=rows[1], hours=Decimal("3"), note="按时")
    # 吴二 did not come: no hours, no record.
    services.activity_close(actor=world.secretary, activity=a)
    served = WorkRecord.objects.filter(kind="activity_served")
    assert sorted(r.payload["hours"] for r in served) == ["2.5", "3.0"]
    held = WorkRecord.objects.get(kind="activity_held")
    assert held.payload == {"kind": "volunteer", "participants": 2, "hours": "5.5"}
    assert selectors.volunteer_years(people.li) == [(timezone.localdate().year, Decimal("2.5"), 1)]
    page = client_for(world.secretary).get(reverse("members:detail", args=[people.li.pk])).content.decode()
    assert "Volunteer hours" in page and f"{timezone.localdate().year}: 2.5 hours of volunteer service" in page
    with pytest.raises(ValidationError, match="closed"):
        services.participant_hours_set(actor=world.secretary, participant=rows[0], hours=Decimal("9"), note="改")
    services.activity_close(actor=world.secretary, activity=a)  # again: nothing more
    assert WorkRecord.objects.filter(kind="activity_served").count() == 2


def test_the_reports_count_activities_and_sum_the_hours(world, people):
    a, row = _signed(world, people)
    services.participant_hours_set(actor=world.secretary, participant=row, hours=Decimal("4"), note="全程")
    services.activity_close(actor=world.secretary, activity=a)
    today = timezone.localdate()
    counted = {f.code: f.count for f in record_facts(world.pc, today.replace(day=1), today)}
    assert counted["activity_held"] == 1
    facts = selectors.period_facts(world.pc, today.replace(day=1), today)
    assert [(f.code, f.count) for f in facts] == [("volunteer_hours", 4)]


def test_closing_waits_for_those_checked_in_but_not_out(world, people):
    a, row = _signed(world, people)
    services.participant_check_in(actor=world.secretary, participant=row)
    with pytest.raises(ValidationError, match="李四"):
        services.activity_close(actor=world.secretary, activity=a)
    assert Activity.objects.get(pk=a.pk).status == Activity.Status.OPEN


def test_an_activity_is_not_closed_before_it_begins(world):
    with pytest.raises(ValidationError, match="not begun"):
        services.activity_close(actor=world.secretary, activity=activity(world))


def test_cancelling_tells_those_signed_up_and_waiting(world, people, django_capture_on_commit_callbacks):
    a = activity(world, capacity=1)
    services.participant_signup(actor=people.li.user, activity=a)
    services.participant_signup(actor=people.zhou.user, activity=a)
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_cancel(actor=world.secretary, activity=a)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"member", "zhou"}
    with pytest.raises(ValidationError, match="closed or cancelled"):
        services.participant_signup(actor=people.wu.user, activity=a)


# --- pages ---------------------------------------------------------------------------------------------------------


def test_a_member_sees_and_signs_up_to_the_committees_activity_on_the_page(world, people, client_for):
    a = activity(world, org=world.pc, capacity=1, title="党委志愿服务")
    services.participant_signup(actor=people.zhou.user, activity=a)
    client = client_for(people.li.user)
    assert "党委志愿服务" in client.get(reverse("activities:list")).content.decode()
    page = client.get(a.get_absolute_url()).content.decode()
    assert "Join the waiting list" in page
    response = client.post(reverse("activities:signup", args=[a.pk]), follow=True)
    assert "you are on the waiting list" in response.content.decode()
    assert "You are number 1 on the waiting list" in response.content.decode()


def test_a_member_of_another_branch_finds_nothing(world, people):
    from django.test import Client

    a = activity(world)
    stranger = make_user("b2m")
    make_member(world.b2, "郑三", user=stranger)
    client = Client()
    client.force_login(stranger)
    assert client.get(a.get_absolute_url()).status_code == 404
    assert client.post(reverse("activities:signup", args=[a.pk])).status_code == 404
    assert not a.participants.exists()


def test_hostile_text_is_shown_as_text(world, people, client_for):
    a = activity(world, title="<script>alert(1)</script>", description="<img src=x onerror=alert(2)>")
    page = client_for(people.li.user).get(a.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page


def test_the_participant_list_is_read_in_constant_queries(world, people, client_for, django_assert_max_num_queries):
    a = activity(world, capacity=2)
    for p in (people.li, people.zhou, people.wu):
        services.participant_signup(actor=p.user, activity=a)
    client = client_for(world.secretary)
    url = reverse("activities:participants", args=[a.pk])
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    for i in range(10):
        services.participant_signup(actor=make_member(world.b1, f"成员{i}", user=make_user(f"u{i}")).user, activity=a)
    with CaptureQueriesContext(connection) as thirteen:
        page = client.get(url).content.decode()
    # session and user, standings, the activity, the counts, the rows with their members and organizations
    assert len(thirteen) == len(three)
    assert page.count('data-state="waiting"') == 11


def test_the_participant_list_exports_to_excel_and_is_audited(world, people, client_for):
    import io

    from openpyxl import load_workbook

    a = activity(world, capacity=1)
    services.participant_signup(actor=people.li.user, activity=a)
    services.participant_signup(actor=people.zhou.user, activity=a)
    response = client_for(world.secretary).get(reverse("activities:export", args=[a.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[2][0] == "李四" and rows[3][0] == "周一" and rows[3][3] == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, target_id=str(a.pk)).exists()


def test_workbench_and_reminders(world, people):
    a = activity(world, starts_in=datetime.timedelta(days=1))
    services.participant_signup(actor=people.li.user, activity=a)
    mine = selectors.workbench_items(people.li.user)
    assert [i.state for i in mine] == ["to take part"]
    due = reminders.due_reminders(timezone.localdate())
    assert [(r.recipient, r.target) for r in due] == [(people.li.user, a)]
    held = begun(activity(world, title="已结束的活动", hours=0.1, starts_in=datetime.timedelta(days=1)), minutes=30)
    items = selectors.workbench_items(world.secretary)
    assert [(i.title, i.state) for i in items] == [(held.title, "hours to record and close")]
