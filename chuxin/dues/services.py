"""The writes of Party dues: bases, bills, payments, reductions and the month's closing.

Every service checks its actor (chuxin.core.access.authorize) before it reads or writes anything, runs in a
transaction, audits, and refuses bad input with a ValidationError in the user's language that leaves everything
already saved as it was. Amounts always come from `rules.monthly_amount`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core.access import Need, authorize, rank_on
from chuxin.core.models import IdempotencyKey
from chuxin.members.models import Member
from chuxin.records.services import record_work

from . import months as mo
from . import rules
from .models import DuesBase, DuesBill, DuesMonth, DuesPayment, DuesPaymentLine, DuesReduction
from .selectors import in_subtree, month_totals

ZERO = Decimal("0")
BILL_BATCH = 5000


def _money(value, label: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError(_("%(what)s: enter an amount in yuan.") % {"what": label})
    if amount < 0:
        raise ValidationError(_("%(what)s cannot be negative.") % {"what": label})
    if amount != amount.quantize(rules.FEN):
        raise ValidationError(_("%(what)s: at most two decimal places (fen).") % {"what": label})
    if amount >= Decimal("1e10"):
        raise ValidationError(_("%(what)s is too large.") % {"what": label})
    return amount


def _month_words(month: datetime.date) -> str:
    """A month as the audit log keeps it: in words (2026年9月), not as a code."""
    return date_format(month, "YEAR_MONTH_FORMAT")


def _ym(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


# ---------------------------------------------------------------------------------------------------------------
# What a month's bill comes to


def amount_for(month: datetime.date, bases: list[DuesBase], reductions: list[DuesReduction]
               ) -> tuple[DuesBase | None, Decimal | None, bool]:
    """(the base in force, the amount due, reduced) for `month`: the latest base that took effect by then (so the
    amount fixed at the start of the year changes only from the month a new base takes effect), replaced by an
    approved reduction covering the month. `bases` newest first. No base yet: (None, None, False)."""
    base = next((b for b in bases if b.effective_month <= month), None)
    if base is None:
        return None, None, False
    due = rules.monthly_amount(base.kind, base.base)
    for r in reductions:
        if r.status == DuesReduction.Status.APPROVED and r.first_month <= month <= r.last_month:
            return base, min(due, r.amount), True
    return base, due, False


def _closed_paths(month: datetime.date) -> set[str]:
    from chuxin.orgs.models import Organization

    ids = DuesMonth.objects.filter(month=month).values("organization_id")
    return set(Organization.objects.filter(pk__in=ids).values_list("path", flat=True))


def is_closed(path: str, month: datetime.date) -> bool:
    """Whether `month` is closed for the organization at `path` (closed by it or by an organization above it)."""
    return any(path.startswith(p) for p in _closed_paths(month))


class Base(NamedTuple):
    """A base as billing reads it (not a model instance: 100,000 of them cost seconds)."""

    kind: str
    base: Decimal
    effective_month: datetime.date


def _bill_rows(members: list[tuple[int, int, str]], month: datetime.date) -> list[tuple]:
    """The new bills of `members` ((id, organization id, organization path), in id order) for `month`, as row tuples in
    BILL_COLUMNS order; members without a base get none. Two queries: their bases, their approved reductions.
    Plain tuples, not model instances: billing 100,000 members spends its time here (bench/dues.py)."""
    # The members come in id order: their bases and reductions are read by the id range (a few rows of members
    # outside the batch are read and ignored), cheaper than an IN list of thousands of ids.
    if not members:
        return []
    low, high = members[0][0], members[-1][0]
    bases: dict[int, list[Base]] = defaultdict(list)
    for member_id, kind, base, effective in (DuesBase.objects.filter(member_id__gte=low, member_id__lte=high,
                                                                     effective_month__lte=month)
                                             .order_by("member_id", "-effective_month")
                                             .values_list("member_id", "kind", "base", "effective_month")):
        bases[member_id].append(Base(kind, base, effective))
    reductions: dict[int, list[DuesReduction]] = defaultdict(list)
    for r in DuesReduction.objects.filter(member_id__gte=low, member_id__lte=high,
                                          status=DuesReduction.Status.APPROVED, first_month__lte=month,
                                          last_month__gte=month):
        reductions[r.member_id].append(r)
    amounts: dict[tuple[str, Decimal], Decimal] = {}  # most members share a few bases
    rows = []
    for pk, org_id, path in members:
        found = bases.get(pk)
        if not found:
            continue
        if pk in reductions:
            base, due, reduced = amount_for(month, found, reductions[pk])
        else:
            base, reduced = found[0], False
            key = (base.kind, base.base)
            due = amounts.get(key)
            if due is None:
                due = amounts[key] = rules.monthly_amount(base.kind, base.base)
        rows.append((pk, org_id, path, month, base.kind, base.base, due, reduced, ZERO, None, ""))
    return rows


BILL_COLUMNS = ("member_id", "organization_id", "organization_path", "month", "kind", "base", "due", "reduced", "paid",
                "paid_on", "unpaid_reason")


def _insert_bills(rows: list[tuple]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL alike) through executemany: a bill already there
    (a second run, or one racing this) is kept. Returns the number of new bills."""
    if not rows:
        return 0
    from django.db import connection

    fields = [DuesBill._meta.get_field(name) for name in BILL_COLUMNS]
    quote = connection.ops.quote_name
    table = quote(DuesBill._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Only identifiers from the model's own metadata are formatted in; every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608
    if connection.vendor == "sqlite":  # what Django's own field preparation gives, without its cost a value
        params = [[v.isoformat() if isinstance(v, datetime.date) else str(v) if isinstance(v, Decimal) else v
                   for v in row] for row in rows]
    else:  # psycopg binds dates, decimals and booleans itself
        params = rows
    made = 0
    with connection.cursor() as cursor:
        for i in range(0, len(params), 1000):
            cursor.executemany(sql, params[i:i + 1000])
            made += max(cursor.rowcount, 0)  # the rows inserted: a conflict counts none
    return made


def _bills_for(members: list[Member], month: datetime.date) -> tuple[list[DuesBill], list[Member]]:
    """New bills for a few member files in `month` (paying ahead), as unsaved instances."""
    rows = _bill_rows([(m.pk, m.organization_id, m.org_path) for m in members], month)
    billed = {r[0] for r in rows}
    return ([DuesBill(**dict(zip(BILL_COLUMNS, r, strict=True))) for r in rows],
            [m for m in members if m.pk not in billed])


def bills_generate(*, actor, organization, month: datetime.date) -> int:
    """Bill every paying member in `organization`'s subtree for `month`, once: an existing bill is kept (a second
    run, or one racing it, adds nothing). Returns the number of new bills. Bulk writes, a batch at a time."""
    authorize(actor, organization, Need.MANAGE)
    month = mo.first(month)
    if month > mo.add(mo.first(timezone.localdate()), 3):
        raise ValidationError(_("Bills can be made at most a quarter ahead."))
    return _generate(in_subtree(organization), month)  # the bills are the record of it


def _generate(path_q: Q, month: datetime.date) -> int:
    made = 0
    rows = (Member.objects.filter(path_q, status=Member.Status.ACTIVE,
                                  joined_on__lte=mo.add(month, 1) - datetime.timedelta(days=1))
            .exclude(pk__in=DuesBill.objects.filter(month=month).values("member_id")).order_by("pk")
            .values_list("pk", "organization_id", "organization__path"))
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BILL_BATCH])
        if not batch:
            break
        last = batch[-1][0]
        with transaction.atomic():
            made += _insert_bills(_bill_rows(batch, month))
    return made


def bills_housekeeping(today: datetime.date) -> None:
    """The daily housekeeping: this month's bills for everyone (idempotent; new members and new bases join)."""
    _generate(Q(), mo.first(today))


def _recompute(member: Member, first_month: datetime.date, last_month: datetime.date | None = None) -> None:
    """Bills of `member` from `first_month` (to `last_month`) not yet paid at all and in open months follow the
    bases and reductions now in force."""
    bills = DuesBill.objects.filter(member=member, month__gte=first_month, paid=0)
    if last_month is not None:
        bills = bills.filter(month__lte=last_month)
    bills = list(bills)
    if not bills:
        return
    bases = list(DuesBase.objects.filter(member=member).order_by("-effective_month"))
    reductions = list(DuesReduction.objects.filter(member=member, status=DuesReduction.Status.APPROVED))
    path = member.organization.path
    changed = []
    for bill in bills:
        if is_closed(path, bill.month):
            continue
        base, due, reduced = amount_for(bill.month, bases, reductions)
        if base is not None and (bill.due, bill.kind, bill.base, bill.reduced) != (due, base.kind, base.base,
                                                                                  reduced):
            bill.due, bill.kind, bill.base, bill.reduced = due, base.kind, base.base, reduced
            changed.append(bill)
    DuesBill.objects.bulk_update(changed, ["due", "kind", "base", "reduced"])


# ---------------------------------------------------------------------------------------------------------------
# Bases


def base_set(*, actor, member: Member, kind: str, base, effective_month: datetime.date, note: str = "") -> DuesBase:
    """Record the member's dues base of `kind` from `effective_month` (the month the new pay is first received).
    Unpaid bills from that month on, in open months, follow it."""
    authorize(actor, member.organization, Need.MANAGE)
    if kind not in rules.Kind.VALUES:
        raise ValidationError(_("Choose the kind of base."))
    amount = _money(base, _("The dues base"))
    if kind == rules.Kind.FARMER and not rules.FARMER_MIN.default <= amount <= rules.FARMER_MAX.default:
        raise ValidationError(_("A farmer pays between 0.20 and 1.00 yuan a month: enter the amount the branch "
                                "agreed as the base."))
    month = mo.first(effective_month)
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()
        row = DuesBase.objects.filter(member=member, effective_month=month).first()
        before = (row.kind, str(row.base)) if row else ("", "")
        row = row or DuesBase(member=member, effective_month=month)
        row.kind, row.base, row.note = kind, amount, (note or "").strip()
        row.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
        row.full_clean()
        row.save()
        _recompute(member, month)
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=row, organization=member.organization,
                     target_repr=_("Dues base of %(name)s") % {"name": member.name},
                     changes={"kind": [before[0], kind], "base": [before[1], str(amount)],
                              "effective_month": ["", _month_words(month)]})
    return row


# ---------------------------------------------------------------------------------------------------------------
# Payments


def payment_made(*, actor, member: Member, token: str) -> DuesPayment | None:
    """The payment of `member` an earlier sending of the same form (its one-time `token`) recorded, if any: the form
    sent again is answered with it. Asked before the form is checked, since the months the first sending settled
    are no longer offered to pay."""
    if not token or not getattr(actor, "is_authenticated", False):
        return None
    key = IdempotencyKey.objects.filter(user_id=actor.pk, token=token).first()
    made = key.made() if key is not None else None
    return made if isinstance(made, DuesPayment) and made.member_id == member.pk else None


def payment_record(*, actor, member: Member, months: list[datetime.date], paid_on: datetime.date,
                   method: str = DuesPayment.Method.CASH, paid_by: str = "", extra=ZERO, note: str = "",
                   token: str = "", today: datetime.date | None = None) -> DuesPayment:
    """Money received for `member` on `paid_on`, settling the bills of `months` whole (a quarter at once, back
    payment of up to six months) and any voluntary `extra` (a note is required from 1,000 yuan).

    Refused with a clear message: a day in a closed month or in the future, a month already paid, a month more
    than six months back or beyond the current quarter, nothing to pay. A second sending of the same form (a double
    click, a retry, the same form sent twice at once) answers with the first payment; bills are locked, so two
    different forms paying the same month at once settle it once."""
    authorize(actor, member.organization, Need.MANAGE)
    made = payment_made(actor=actor, member=member, token=token)
    if made is not None:  # sent again: the months it settled are paid now, and that is no refusal
        return made
    today = today or timezone.localdate()
    if paid_on > today:
        raise ValidationError(_("The payment date cannot be in the future."))
    received = mo.first(paid_on)
    path = member.organization.path
    if is_closed(path, received):
        raise ValidationError(_("%(month)s is closed: money cannot be recorded as received in it any more. Record "
                                "it with the date it is received now (a back payment is counted in the month it "
                                "is received).") % {"month": _month_words(received)})
    extra = _money(extra or "0", _("The voluntary extra"))
    note = (note or "").strip()
    if extra >= rules.VOLUNTARY_NOTE_AMOUNT.default and not note:
        raise ValidationError(_("A voluntary payment of 1,000 yuan or more is passed up whole: add a note saying "
                                "so."))
    months = sorted({mo.first(m) for m in months})
    if not months and extra == 0:
        raise ValidationError(_("Choose the months paid, or enter a voluntary amount."))
    back = rules.BACK_PAYMENT_MONTHS.default
    earliest, latest = mo.add(received, -back), mo.quarter_end(mo.first(today))
    for m in months:
        if m < earliest:
            raise ValidationError(_("%(month)s is more than %(n)s months back: back payment covers at most %(n)s "
                                    "months.") % {"month": _month_words(m), "n": back})
        if m > latest:
            raise ValidationError(_("%(month)s is beyond the current quarter: pay at most a quarter at once.")
                                  % {"month": _month_words(m)})
    if method not in DuesPayment.Method.values:
        raise ValidationError(_("Choose how it was paid."))

    def create() -> DuesPayment:
        for m in months:
            if m > mo.first(today) and not DuesBill.objects.filter(member=member, month=m).exists():
                bills, _without = _bills_for([_with_path(member)], m)  # paying ahead within the quarter
                DuesBill.objects.bulk_create(bills, ignore_conflicts=True)
        bills = list(DuesBill.objects.select_for_update().filter(member=member, month__in=months).order_by("month"))
        found = {b.month for b in bills}
        missing = [m for m in months if m not in found]
        if missing:
            raise ValidationError(_("%(month)s has no bill: set the member's dues base first.")
                                  % {"month": _month_words(missing[0])})
        paid = [b for b in bills if b.settled]
        if paid:
            raise ValidationError(_("%(month)s is already paid.") % {"month": _month_words(paid[0].month)})
        payment = DuesPayment(member=member, organization=member.organization, organization_path=path,
                              paid_on=paid_on, method=method, paid_by=(paid_by or "").strip(), extra=extra,
                              note=note, recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                              months_total=sum((b.outstanding for b in bills), ZERO))
        payment.full_clean()
        payment.save()
        lines = []
        for b in bills:
            lines.append(DuesPaymentLine(payment=payment, bill=b, amount=b.outstanding))
            b.paid, b.paid_on, b.unpaid_reason = b.due, paid_on, ""
        DuesPaymentLine.objects.bulk_create(lines)
        DuesBill.objects.bulk_update(bills, ["paid", "paid_on", "unpaid_reason"])
        record_work(kind="dues_paid", organization=member.organization, on=paid_on, target=payment, actor=actor,
                    members=[member], label=_("Dues paid: %(name)s") % {"name": member.name},
                    url=f"/dues/members/{member.pk}/",
                    payload={"months": [_ym(b.month) for b in bills], "amount": str(payment.months_total),
                             "extra": str(extra), "on_time": all(b.month >= received for b in bills)})
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=payment, organization=member.organization,
                     target_repr=_("Dues payment of %(name)s") % {"name": member.name},
                     changes={"months_total": ["", str(payment.months_total)], "extra": ["", str(extra)]})
        return payment

    with transaction.atomic():
        return IdempotencyKey.objects.create_once(actor=actor, token=token, model=DuesPayment, create=create)


def _with_path(member: Member) -> Member:
    member.org_path = member.organization.path
    return member


def unpaid_reason_set(*, actor, bill: DuesBill, reason: str) -> DuesBill:
    """A good reason for a month not paid (illness, a reduction being decided): that month does not count towards
    the six months without reason. An empty reason takes it back."""
    authorize(actor, bill.member.organization, Need.MANAGE)
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationError(_("The reason is too long (at most 200 characters)."))
    with transaction.atomic():
        bill = DuesBill.objects.select_for_update(of=("self",)).select_related("member__organization").get(
            pk=bill.pk)
        if bill.settled:
            raise ValidationError(_("%(month)s is paid: it needs no reason.") % {"month": _month_words(bill.month)})
        before, bill.unpaid_reason = bill.unpaid_reason, reason
        bill.full_clean()
        bill.save(update_fields=["unpaid_reason"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=bill,
                     organization=bill.member.organization,
                     target_repr=f"{bill.member.name} {_month_words(bill.month)}", changes={"unpaid_reason": [before, reason]})
    return bill


# ---------------------------------------------------------------------------------------------------------------
# Hardship reductions


def reduction_propose(*, actor, member: Member, first_month: datetime.date, last_month: datetime.date, amount,
                      reason: str, decided_on: datetime.date) -> DuesReduction:
    """The branch's decision to reduce or exempt a member's dues for some months; waits for the next level."""
    authorize(actor, member.organization, Need.MANAGE)
    amount = _money(amount, _("The reduced amount"))
    first_month, last_month = mo.first(first_month), mo.first(last_month)
    if last_month < first_month:
        raise ValidationError(_("The last month comes before the first."))
    if mo.between(first_month, last_month) >= 12:
        raise ValidationError(_("A reduction is decided for at most a year at a time."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason the branch decided on."))
    if member.organization.parent_id is None:
        raise ValidationError(_("This organization has no next level to approve a reduction."))
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()  # one proposal at a time per member
        twin = DuesReduction.objects.filter(member=member, first_month=first_month, last_month=last_month,
                                            amount=amount, status=DuesReduction.Status.PROPOSED).first()
        if twin is not None:  # the same decision sent again (a double click): the one already waiting
            return twin
        row = DuesReduction(member=member, organization=member.organization,
                            organization_path=member.organization.path, first_month=first_month,
                            last_month=last_month, amount=amount, reason=reason, decided_on=decided_on,
                            proposed_by=actor if getattr(actor, "is_authenticated", False) else None)
        row.full_clean()
        row.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=row, organization=member.organization,
                     target_repr=_("Dues reduction for %(name)s") % {"name": member.name},
                     changes={"amount": ["", str(amount)], "first_month": ["", _month_words(first_month)],
                              "last_month": ["", _month_words(last_month)]})
    return row


def may_approve(user, reduction: DuesReduction) -> bool:
    """The next level up approves: standing on the branch's parent (a branch's own secretary does not)."""
    parent = reduction.organization.parent
    return parent is not None and rank_on(user, parent.path) >= Need.MANAGE


def reduction_decide(*, actor, reduction: DuesReduction, approve: bool) -> DuesReduction:
    """The next level's approval (or not) of a branch's reduction; approved, the unpaid bills of its months follow."""
    if actor is not None and not may_approve(actor, reduction):
        raise PermissionDenied
    with transaction.atomic():
        reduction = DuesReduction.objects.select_for_update(of=("self",)).select_related(
            "member__organization", "organization").get(pk=reduction.pk)
        if reduction.status != DuesReduction.Status.PROPOSED:
            raise ValidationError(_("This reduction has been decided already."))
        reduction.status = DuesReduction.Status.APPROVED if approve else DuesReduction.Status.REJECTED
        reduction.approved_by = actor if getattr(actor, "is_authenticated", False) else None
        reduction.approved_on = timezone.localdate()
        reduction.save(update_fields=["status", "approved_by", "approved_on", "updated_at"])
        if approve:
            _recompute(reduction.member, reduction.first_month, reduction.last_month)
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=reduction,
                     organization=reduction.organization,
                     changes={"status": [DuesReduction.Status.PROPOSED, reduction.status]})
    return reduction


# ---------------------------------------------------------------------------------------------------------------
# Closing a month


def month_close(*, actor, organization, month: datetime.date, today: datetime.date | None = None) -> DuesMonth:
    """Close the organization's month: its bills are made if missing, what was due and what was collected in it
    are fixed, and no more money can be recorded as received in it."""
    authorize(actor, organization, Need.MANAGE)
    today = today or timezone.localdate()
    month = mo.first(month)
    if month > mo.first(today):
        raise ValidationError(_("A month can be closed only once it has begun."))
    with transaction.atomic():
        type(organization).objects.select_for_update().filter(pk=organization.pk).first()
        if is_closed(organization.path, month):
            raise ValidationError(_("%(month)s is already closed.") % {"month": _month_words(month)})
        _generate(in_subtree(organization), month)
        totals = month_totals(organization, month)
        row = DuesMonth.objects.create(organization=organization, month=month, due=totals["due"],
                                       collected=totals["collected"],
                                       closed_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=row, organization=organization,
                     target_repr=f"{organization.name} {_month_words(month)}",
                     changes={"collected": ["", number_format(totals["collected"], 2)]})
    return row
