"""Dues as a secretary meets them: bills follow the base from the month it takes effect, payments settle whole
months (a quarter at once, back payment of six months at most), a closed month takes no more money, the next level
approves a reduction, arrears are flagged and never acted on."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.db.models import Q

from chuxin.dues import selectors, services
from chuxin.dues.models import DuesBill, DuesMonth, DuesPayment
from chuxin.records.models import WorkRecord
from chuxin.testing import make_member

D = Decimal
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _in_english(english):
    pass


def m(year, month):
    return datetime.date(year, month, 1)


def bill_year(world, member, year=2026, last=12):
    for i in range(1, last + 1):
        services._generate(Q(pk=member.pk), m(year, i))
    return {b.month.month: b.due for b in DuesBill.objects.filter(member=member, month__year=year)}


def test_a_base_changing_in_june_changes_the_amount_from_june(world):
    member = world.member
    services.base_set(actor=world.secretary, member=member, kind="employed", base=D("3000.00"),
                      effective_month=m(2026, 1))
    services.base_set(actor=world.secretary, member=member, kind="employed", base=D("5000.01"),
                      effective_month=m(2026, 6))
    dues = bill_year(world, member)
    assert [dues[i] for i in range(1, 6)] == [D("15.00")] * 5  # fixed at the start of the year
    assert [dues[i] for i in range(6, 13)] == [D("75.00")] * 7  # the new base from its month on


def test_bills_are_made_once(world):
    services.base_set(actor=None, member=world.member, kind="retired", base=D("5000.01"), effective_month=m(2026, 1))
    assert services.bills_generate(actor=world.secretary, organization=world.b1, month=m(2026, 3)) == 1
    assert services.bills_generate(actor=world.secretary, organization=world.b1, month=m(2026, 3)) == 0
    assert DuesBill.objects.get().due == D("50.00")


def test_a_negative_base_is_refused_and_the_old_one_kept(world):
    services.base_set(actor=None, member=world.member, kind="employed", base=D("4000"), effective_month=m(2026, 1))
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.base_set(actor=world.secretary, member=world.member, kind="employed", base=D("-1"),
                          effective_month=m(2026, 1))
    assert world.member.dues_bases.get().base == D("4000")


def test_the_secretary_of_another_branch_cannot_touch_dues(world):
    with pytest.raises(PermissionDenied):
        services.base_set(actor=world.outsider, member=world.member, kind="employed", base=D("1"),
                          effective_month=m(2026, 1))


@pytest.fixture
def billed(world):
    services.base_set(actor=None, member=world.member, kind="employed", base=D("4000"), effective_month=m(2026, 1))
    bill_year(world, world.member, last=11)
    return world.member


def test_a_partial_payment_settles_whole_months_and_writes_a_record(world, billed):
    payment = services.payment_record(actor=world.secretary, member=billed, months=[m(2026, 10), m(2026, 11)],
                                      paid_on=TODAY, today=TODAY)
    assert payment.months_total == D("80.00")
    record = WorkRecord.objects.get(kind="dues_paid")
    assert record.payload["months"] == ["2026-10", "2026-11"] and list(record.members.all()) == [billed]
    rows = {r["month"].month: r for r in selectors.reconciliation(world.b1, 2026)}
    assert rows[11]["paid"] == rows[11]["due"] == D("40.00") and rows[11]["on_time"] == D("40.00")
    assert rows[10]["late"] == D("40.00")  # a back payment, collected in November
    assert rows[11]["collected"] == D("80.00") and rows[9]["open"] == D("40.00")


def test_a_payment_into_a_closed_month_is_refused_with_nothing_lost(world, billed):
    services.payment_record(actor=world.secretary, member=billed, months=[m(2026, 9)], paid_on=datetime.date(
        2026, 9, 15), today=TODAY)
    services.month_close(actor=world.secretary, organization=world.b1, month=m(2026, 9), today=TODAY)
    with pytest.raises(ValidationError, match="September 2026 is closed"):
        services.payment_record(actor=world.secretary, member=billed, months=[m(2026, 8)],
                                paid_on=datetime.date(2026, 9, 30), today=TODAY)
    assert DuesPayment.objects.count() == 1
    closed = DuesMonth.objects.get()
    assert (closed.due, closed.collected) == (D("40.00"), D("40.00"))
    with pytest.raises(ValidationError, match="already closed"):
        services.month_close(actor=world.secretary, organization=world.b1, month=m(2026, 9), today=TODAY)
    # Paid now, the old month is a back payment counted in November.
    services.payment_record(actor=world.secretary, member=billed, months=[m(2026, 8)], paid_on=TODAY, today=TODAY)


def test_back_payment_covers_six_months_and_a_quarter_may_be_paid_ahead(world, billed):
    with pytest.raises(ValidationError, match="more than 6 months back"):
        services.payment_record(actor=world.secretary, member=billed, months=[m(2026, 4)], paid_on=TODAY,
                                today=TODAY)
    payment = services.payment_record(actor=world.secretary, member=billed, months=[m(2026, 5), m(2026, 12)],
                                      paid_on=TODAY, today=TODAY)
    assert payment.lines.count() == 2  # December billed ahead, within the quarter
    with pytest.raises(ValidationError, match="beyond the current quarter"):
        services.payment_record(actor=world.secretary, member=billed, months=[m(2027, 1)], paid_on=TODAY,
                                today=TODAY)
    with pytest.raises(ValidationError, match="already paid"):
        services.payment_record(actor=world.secretary, member=billed, months=[m(2026, 5)], paid_on=TODAY,
                                today=TODAY)


def test_a_voluntary_payment_of_1000_needs_a_note(world, billed):
    with pytest.raises(ValidationError, match="1,000 yuan"):
        services.payment_record(actor=world.secretary, member=billed, months=[], extra=D("1000"), paid_on=TODAY,
                                today=TODAY)
    payment = services.payment_record(actor=world.secretary, member=billed, months=[], extra=D("1000"),
                                      note="全额上缴", paid_by="家属", paid_on=TODAY, today=TODAY)
    assert payment.total == D("1000") and payment.paid_by == "家属"
    assert selectors.yearly_summary(world.b1, 2026)["large"]["n"] == 1


def test_the_same_form_sent_twice_pays_once(world, billed):
    first = services.payment_record(actor=world.secretary, member=billed, months=[m(2026, 11)], paid_on=TODAY,
                                    token="t1", today=TODAY)
    again = services.payment_record(actor=world.secretary, member=billed, months=[m(2026, 11)], paid_on=TODAY,
                                    token="t1", today=TODAY)
    assert first == again and DuesPayment.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database that runs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_payments_of_one_month_at_the_same_moment_settle_it_once(world):
    services.base_set(actor=None, member=world.member, kind="employed", base=D("4000"), effective_month=m(2026, 1))
    services._generate(Q(pk=world.member.pk), m(2026, 11))
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def pay(token):
        try:
            barrier.wait()
            services.payment_record(actor=world.secretary, member=world.member, months=[m(2026, 11)],
                                    paid_on=TODAY, token=token, today=TODAY)
            answers.append("paid")
        except ValidationError:
            answers.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(t,)) for t in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == ["paid", "refused"]
    assert DuesPayment.objects.count() == 1 and DuesBill.objects.get().paid == D("40.00")


def test_a_reduction_needs_the_next_levels_approval(world, billed):
    reduction = services.reduction_propose(actor=world.secretary, member=billed, first_month=m(2026, 11),
                                           last_month=m(2026, 12), amount=D("0"), reason="重病",
                                           decided_on=TODAY)
    with pytest.raises(PermissionDenied):  # the branch itself does not approve its own decision
        services.reduction_decide(actor=world.secretary, reduction=reduction, approve=True)
    assert DuesBill.objects.get(member=billed, month=m(2026, 11)).due == D("40.00")
    services.reduction_decide(actor=world.worker, reduction=reduction, approve=True)
    bill = DuesBill.objects.get(member=billed, month=m(2026, 11))
    assert bill.due == D("0") and bill.reduced and bill.settled


def test_arrears_are_flagged_at_three_five_and_six_months_without_reason(world, billed):
    flags = {n: selectors.flag_of(n, n) for n in (2, 3, 4, 5, 6)}
    assert flags == {2: "", 3: "warn", 4: "warn", 5: "urgent", 6: "case"}
    assert selectors.flag_of(6, 2) == "urgent"  # a good reason for some months: not the case of art. 31
    owing = selectors.arrears(Q(member=billed), TODAY)
    assert owing[billed.pk] == (10, 10)  # January to October unpaid, November still being collected
    bill = DuesBill.objects.get(member=billed, month=m(2026, 9))
    services.unpaid_reason_set(actor=world.secretary, bill=bill, reason="住院治疗")
    assert selectors.arrears(Q(member=billed), TODAY)[billed.pk] == (10, 1)
    assert billed.status == "active"  # flagged, never acted on


def test_paid_up_to_is_the_last_month_of_an_unbroken_run(world, billed):
    assert selectors.paid_up_to(billed) is None
    services.payment_record(actor=world.secretary, member=billed, months=[m(2026, 5), m(2026, 6)], paid_on=TODAY,
                            today=TODAY)
    assert selectors.paid_up_to(billed) is None  # January is still unpaid
    other = make_member(world.b1, "新党员", category="probationary", joined_on=datetime.date(2026, 10, 10))
    services.base_set(actor=None, member=other, kind="student", base=D("0"), effective_month=m(2026, 10))
    bill_year(world, other, last=11)
    assert DuesBill.objects.filter(member=other).count() == 2  # pays from the month of the branch meeting's vote
    services.payment_record(actor=world.secretary, member=other, months=[m(2026, 10)], paid_on=TODAY, today=TODAY)
    assert selectors.paid_up_to(other) == m(2026, 10)


def test_arrears_reminders_reach_the_secretary_once(world, billed):
    from chuxin.notifications.models import Notification
    from chuxin.notifications.reminders import send_due_reminders

    group_member = make_member(world.g1, "小组党员")  # a Party group has no secretary: its branch's hears
    services.base_set(actor=None, member=group_member, kind="student", base=D("0"), effective_month=m(2026, 1))
    bill_year(world, group_member, last=11)
    send_due_reminders(TODAY)
    told = Notification.objects.filter(url__startswith="/dues/members/")
    assert sorted(told.values_list("recipient__username", "url")) == sorted([
        ("secretary", f"/dues/members/{billed.pk}/"), ("secretary", f"/dues/members/{group_member.pk}/")])
    send_due_reminders(TODAY)
    assert told.count() == 2  # once per member, flag and run of unpaid months
