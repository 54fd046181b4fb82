"""Every write service of the dues app checks its actor itself, whoever calls it (a page, an API, a job): an actor
without standing on the member's organization (a stranger; the sibling branch's secretary for B1's member; a plain
member or a committee member, who read but manage nothing) is refused, and nothing is written: no audit entry, work
record or notification, and no base, bill, payment, reduction or closed month. A reduction is decided by the next
level up, so B1's own secretary is refused there too."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from chuxin.dues import months as mo
from chuxin.dues import services
from chuxin.dues.models import DuesBase, DuesBill, DuesMonth, DuesPayment, DuesPaymentLine, DuesReduction
from chuxin.testing import not_refused, service_functions

NO_WRITE = {
    "amount_for": "what a month's bill comes to (arithmetic on rows it is given)",
    "is_closed": "whether a month is closed (a read)",
    "may_approve": "a question about the actor",
    "payment_made": "the payment the actor's own earlier sending of a form made (a read of their own token)",
    "bills_housekeeping": "the daily housekeeping (no actor): this month's bills for everyone",
}


def dues_rows() -> tuple:
    """Every dues row as it stands, to show a refused call changed none of them."""
    return (
        list(DuesBase.objects.order_by("pk").values_list("pk", "kind", "base", "effective_month", "note")),
        list(DuesBill.objects.order_by("pk").values_list("pk", "due", "paid", "paid_on", "reduced", "unpaid_reason")),
        list(DuesPayment.objects.order_by("pk").values_list("pk")),
        list(DuesPaymentLine.objects.order_by("pk").values_list("pk")),
        list(DuesReduction.objects.order_by("pk").values_list("pk", "status", "approved_by", "approved_on")),
        list(DuesMonth.objects.order_by("pk").values_list("pk")),
    )


def test_every_write_service_refuses_an_actor_without_standing(world):
    today = timezone.localdate()
    month = mo.first(today)
    # B1's member with a base and this month's bill, and a reduction B1 proposed, waiting for PC: made through the
    # services by B1's secretary, as test_services.py does.
    services.base_set(actor=world.secretary, member=world.member, kind="employed", base=Decimal("4000"),
                      effective_month=month)
    services._generate(Q(pk=world.member.pk), month)
    bill = DuesBill.objects.get(member=world.member, month=month)
    reduction = services.reduction_propose(actor=world.secretary, member=world.member, first_month=month,
                                           last_month=month, amount=Decimal("0"), reason="重病", decided_on=today)
    tried = {
        "bills_generate": lambda a: services.bills_generate(actor=a, organization=world.b1, month=month),
        "base_set": lambda a: services.base_set(actor=a, member=world.member, kind="employed", base=Decimal("9000"),
                                                effective_month=month),
        "payment_record": lambda a: services.payment_record(actor=a, member=world.member, months=[month],
                                                            paid_on=today, token="rights", today=today),
        "unpaid_reason_set": lambda a: services.unpaid_reason_set(actor=a, bill=bill, reason="住院治疗"),
        "reduction_propose": lambda a: services.reduction_propose(
            actor=a, member=world.member, first_month=month, last_month=month, amount=Decimal("1"), reason="困难",
            decided_on=today),
        "reduction_decide": lambda a: services.reduction_decide(actor=a, reduction=reduction, approve=True),
        "month_close": lambda a: services.month_close(actor=a, organization=world.b1, month=month, today=today),
    }
    assert set(tried) | set(NO_WRITE) == service_functions(services)
    before = dues_rows()
    assert not_refused(tried, world.stranger, world.outsider, world.member_user, world.committee) == []
    # The branch does not approve its own decision: the next level up does.
    assert not_refused({"reduction_decide": tried["reduction_decide"]}, world.secretary) == []
    assert dues_rows() == before


def test_b1s_secretary_is_refused_the_sibling_branchs_dues(world):
    """The other way round: B1's secretary has no standing on B2's member or on B2 itself."""
    month = mo.first(timezone.localdate())
    tried = {
        "bills_generate": lambda a: services.bills_generate(actor=a, organization=world.b2, month=month),
        "base_set": lambda a: services.base_set(actor=a, member=world.b2_member, kind="employed",
                                                base=Decimal("4000"), effective_month=month),
        "month_close": lambda a: services.month_close(actor=a, organization=world.b2, month=month),
    }
    assert not_refused(tried, world.secretary) == []
    assert dues_rows() == ([], [], [], [], [], [])
