"""The reads of Party dues: a branch's month, a member's statement, arrears, reconciliation, the yearly summary,
and what the house reads through the hooks (workbench, reminders, report facts, the member's file).

`paid_up_to(member)` is what transfers put on an introduction letter ("dues paid up to").
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chuxin.core.access import Need, fetch, holders_by_org, scope_prefixes, scope_q, scope_ranges
from chuxin.core.db import Bound, PreparedExists
from chuxin.core.paths import ranges_q, subtree_q
from chuxin.core.protocols import Fact, HistoryRow, HistorySection, Reminder, WorkItem
from chuxin.members.access import THEMSELF
from chuxin.members.models import Member

from . import months as mo
from . import rules
from .models import DuesBase, DuesBill, DuesMonth, DuesPayment, DuesReduction

ZERO = Decimal("0")


def access_member(user, pk, *, need: Need) -> Member:
    """A member's dues: their organization's managers and readers, and the member themself (their own only)."""
    return fetch(user, Member.objects.select_related("organization"), pk, need=need, relations=(THEMSELF,))


def access_bill(user, pk, *, need: Need) -> DuesBill:
    return fetch(user, DuesBill.objects.select_related("member__organization"), pk, need=need,
                 organization="member.organization")


def access_reduction(user, pk, *, need: Need) -> DuesReduction:
    return fetch(user, DuesReduction.objects.select_related("member", "organization__parent"), pk, need=need)


# ---------------------------------------------------------------------------------------------------------------
# Months and totals


def closed_months(organization, year: int) -> set[datetime.date]:
    """The months of `year` closed for `organization` (by it or an organization above it)."""
    from chuxin.core.paths import ancestor_paths

    paths = [*ancestor_paths(organization.path), organization.path]
    return set(DuesMonth.objects.filter(organization__path__in=paths, month__year=year)
               .values_list("month", flat=True))


def month_totals(organization, month: datetime.date) -> dict:
    """What was due for `month` in the subtree, what of it is paid, and what was collected in it (money received
    that month, for any month, and voluntary extras). Two queries."""
    bills = DuesBill.objects.filter(subtree_q(organization.path, "organization_path"), month=month).aggregate(
        due_sum=Sum("due"), paid_sum=Sum("paid"), n=Count("pk"), settled=Count("pk", filter=Q(paid__gte=F("due"))))
    end = mo.add(month, 1)
    money = DuesPayment.objects.filter(subtree_q(organization.path, "organization_path"), paid_on__gte=month,
                                       paid_on__lt=end).aggregate(months=Sum("months_total"), extra=Sum("extra"))
    months, extra = money["months"] or ZERO, money["extra"] or ZERO
    return {"due": bills["due_sum"] or ZERO, "paid": bills["paid_sum"] or ZERO, "bills": bills["n"],
            "settled": bills["settled"], "collected": months + extra, "collected_months": months, "extra": extra}


def in_subtree(organization, field: str = "organization_id") -> Q:
    """Member rows of `organization`'s subtree by their organization's id: SQLite reads members through their
    organization index only when given the ids (1 s instead of 2 ms for a branch among 100,000 members when
    joined on the path instead; bench/dues.py). A large subtree's ids go as a subquery."""
    from chuxin.orgs.models import Organization

    orgs = Organization.objects.filter(subtree_q(organization.path)).values("pk")
    ids = list(orgs[:501].values_list("pk", flat=True))
    return Q(**{f"{field}__in": ids if len(ids) <= 500 else orgs})


@dataclass
class Line:
    """One member's row on a branch's page, its figures already written out: a branch of 200 renders 200 of
    them twice (a table on desktops, cards on phones), and template filters per cell cost more than the queries."""

    member: Member
    bill: DuesBill | None
    streak: int = 0  # consecutive months unpaid up to last month
    flag: str = ""  # flag_of the arrears
    kind: str = ""
    base: str = ""
    due: str = ""
    paid: str = ""
    state: str = ""  # "paid", "exempt", "unpaid" or "" (no bill)
    state_label: str = ""
    flag_label: str = ""


def _line(member: Member, bill: DuesBill | None, streak: int, flag: str, kinds: dict, states: dict) -> Line:
    line = Line(member, bill, streak, flag)
    if bill is not None:
        line.kind, line.base, line.due, line.paid = kinds.get(bill.kind, bill.kind), f"{bill.base:.2f}", \
            f"{bill.due:.2f}", f"{bill.paid:.2f}"
        line.state = ("exempt" if bill.reduced and not bill.due else "paid") if bill.settled else "unpaid"
        line.state_label = states[line.state]
    if flag:
        line.flag_label = _("%(n)s months unpaid") % {"n": streak}
    return line


def branch_month(organization, month: datetime.date, today: datetime.date | None = None) -> dict:
    """A branch's dues page for `month`: each paying member's bill (or none yet: no base set), the totals, whether
    the month is closed, and each member's arrears. Eight queries whatever the branch's size."""
    today = today or timezone.localdate()
    members = list(Member.objects.filter(in_subtree(organization), status=Member.Status.ACTIVE)
                   .only("id", "name", "name_pinyin", "organization_id", "category", "joined_on")
                   .order_by("name_pinyin", "id"))
    bills = {b.member_id: b for b in DuesBill.objects.filter(
        subtree_q(organization.path, "organization_path"), month=month)}
    with_base = set(DuesBase.objects.filter(member__in=[m.pk for m in members]).values_list("member_id", flat=True)
                    .distinct()) if members else set()
    owing = arrears(subtree_q(organization.path, "organization_path"), today)
    kinds = {k: str(label) for k, label in rules.Kind.CHOICES}
    states = {"paid": _("paid"), "exempt": _("exempt"), "unpaid": _("unpaid")}
    lines = [_line(m, bills.get(m.pk), owing.get(m.pk, (0, 0))[0], flag_of(*owing.get(m.pk, (0, 0))), kinds, states)
             for m in members if m.pk in bills or m.joined_on < mo.add(month, 1)]
    totals = month_totals(organization, month)
    return {
        "lines": lines, "totals": totals, "closed": month in closed_months(organization, month.year),
        "without_base": [line.member for line in lines if line.member.pk not in with_base],
        "unbilled": sum(1 for line in lines if line.bill is None and line.member.pk in with_base),
        "rate": _rate(totals["paid"], totals["due"]),
    }


def _rate(paid: Decimal, due: Decimal) -> int | None:
    return None if not due else int((paid * 100 / due).to_integral_value())


# ---------------------------------------------------------------------------------------------------------------
# A member


def statement(member: Member, year: int) -> dict:
    """A member's own statement for `year`: each month's bill, their payments, their bases and reductions."""
    bills = list(DuesBill.objects.filter(member=member, month__year=year).order_by("month"))
    payments = list(DuesPayment.objects.filter(member=member, paid_on__year=year).prefetch_related("lines__bill"))
    return {
        "bills": bills,
        "payments": payments,
        "bases": list(DuesBase.objects.filter(member=member).order_by("-effective_month")[:12]),
        "reductions": list(DuesReduction.objects.filter(member=member).order_by("-first_month")[:12]),
        "due": sum((b.due for b in bills), ZERO), "paid": sum((b.paid for b in bills), ZERO),
        "extra": sum((p.extra for p in payments), ZERO),
        "open_bills": list(DuesBill.objects.filter(member=member, paid__lt=F("due")).order_by("month")[:24]),
        "paid_up_to": paid_up_to(member),
    }


def paid_up_to(member) -> datetime.date | None:
    """The first day of the last month fully paid with every month before it paid too (the "dues paid up to" of an
    introduction letter): None when the member's first bill is unpaid, or they have no bill. Two queries."""
    first_unpaid = (DuesBill.objects.filter(member=member, paid__lt=F("due")).order_by("month")
                    .values_list("month", flat=True).first())
    paid = DuesBill.objects.filter(member=member, paid__gte=F("due"))
    if first_unpaid is not None:
        paid = paid.filter(month__lt=first_unpaid)
    return paid.order_by("-month").values_list("month", flat=True).first()


def arrears(where: Q, today: datetime.date) -> dict[int, tuple[int, int]]:
    """{member id: (months unpaid in a row, of them without a reason)} counted back from last month (the current
    month is still being collected), for the bills matching `where`. One query."""
    last = mo.add(mo.first(today), -1)
    rows = (DuesBill.objects.filter(where, month__lte=last, paid__lt=F("due"))
            .filter(member__status=Member.Status.ACTIVE)
            .order_by("member_id", "-month").values_list("member_id", "month", "unpaid_reason"))
    found: dict[int, list] = {}
    for member_id, month, reason in rows:
        run = found.setdefault(member_id, [0, 0, True, True])  # streak, without reason, still running x2
        if run[2] and month == mo.add(last, -run[0]):
            run[0] += 1
            if run[3] and not reason:
                run[1] += 1
            elif reason:
                run[3] = False
        else:
            run[2] = False
    return {pk: (run[0], run[1]) for pk, run in found.items() if run[0]}


def flag_of(streak: int, without_reason: int) -> str:
    """"case" (six months without reason: for the branch meeting), "urgent" (five), "warn" (three) or ""."""
    if without_reason >= rules.ARREARS_CASE.default:
        return "case"
    if streak >= rules.ARREARS_URGENT.default:
        return "urgent"
    if streak >= rules.ARREARS_WARN.default:
        return "warn"
    return ""


def flagged(where: Q, today: datetime.date) -> list[tuple[Member, int, int, str]]:
    """Members in arrears for at least three months: (member, months, without reason, flag). Two queries."""
    owing = {pk: v for pk, v in arrears(where, today).items() if flag_of(*v)}
    members = Member.objects.filter(pk__in=owing).select_related("organization").order_by("name_pinyin")
    return [(m, *owing[m.pk], flag_of(*owing[m.pk])) for m in members]


# ---------------------------------------------------------------------------------------------------------------
# Reconciliation and the yearly summary


def reconciliation(organization, year: int) -> list[dict]:
    """Paid against due per month of `year`: due, paid in the month itself, paid later, still open, money
    collected in the month (for earlier months too: back payments) and voluntary extras. Three queries."""
    where = subtree_q(organization.path, "organization_path")
    bills = defaultdict(lambda: {"due": ZERO, "paid": ZERO, "on_time": ZERO, "n": 0, "settled": 0})
    for b in DuesBill.objects.filter(where, month__year=year).values("month", "due", "paid", "paid_on"):
        row = bills[b["month"]]
        row["due"] += b["due"]
        row["paid"] += b["paid"]
        row["n"] += 1
        row["settled"] += b["paid"] >= b["due"]
        if b["paid_on"] and mo.first(b["paid_on"]) <= b["month"]:
            row["on_time"] += b["paid"]
    collected = defaultdict(lambda: {"months": ZERO, "extra": ZERO})
    for p in DuesPayment.objects.filter(where, paid_on__year=year).values("paid_on", "months_total", "extra"):
        c = collected[mo.first(p["paid_on"])]
        c["months"] += p["months_total"]
        c["extra"] += p["extra"]
    closed = closed_months(organization, year)
    rows = []
    for i in range(1, 13):
        month = datetime.date(year, i, 1)
        b, c = bills[month], collected[month]
        rows.append({"month": month, "due": b["due"], "paid": b["paid"], "on_time": b["on_time"],
                     "late": b["paid"] - b["on_time"], "open": b["due"] - b["paid"], "bills": b["n"],
                     "settled": b["settled"], "collected": c["months"] + c["extra"], "extra": c["extra"],
                     "rate": _rate(b["paid"], b["due"]), "closed": month in closed})
    return rows


def yearly_summary(organization, year: int) -> dict:
    """The yearly publication to the members: totals of the year, per month, and the voluntary payments passed up
    whole (1,000 yuan or more)."""
    rows = reconciliation(organization, year)
    where = subtree_q(organization.path, "organization_path")
    large = DuesPayment.objects.filter(where, paid_on__year=year, extra__gte=rules.VOLUNTARY_NOTE_AMOUNT.default)
    payers = DuesBill.objects.filter(where, month__year=year).values("member_id").distinct().count()
    total = {k: sum((r[k] for r in rows), ZERO) for k in ("due", "paid", "on_time", "late", "open", "collected",
                                                           "extra")}
    total["rate"] = _rate(total["paid"], total["due"])
    return {"rows": [r for r in rows if r["bills"] or r["collected"]], "total": total, "payers": payers,
            "large": large.aggregate(n=Count("pk"), s=Sum("extra"))}


# ---------------------------------------------------------------------------------------------------------------
# The hooks: workbench, reminders, facts, the member's file


FLAG_TEXT = {
    "warn": gettext_noop("Dues unpaid for %(n)s months: %(name)s (a talk is due)"),
    "urgent": gettext_noop("Dues unpaid for %(n)s months: %(name)s (warn before the sixth month)"),
    "case": gettext_noop("Dues unpaid for %(n)s months without reason: %(name)s, a case for the branch general "
                         "meeting (art. 31)"),
}


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`): the bills up to last month where the user
    manages (the arrears and the month to close are both among them); nothing for those who manage nowhere."""
    bounds = scope_ranges(user, Need.MANAGE) if user.is_authenticated else []
    return [_PROBE.bind(bounds, mo.add(mo.first(timezone.localdate()), -1))] if bounds else []


_PROBE = PreparedExists(lambda bounds, last: DuesBill.objects.filter(ranges_q(bounds, "organization_path"),
                                                                      month__lte=last))


def workbench_items(user) -> list[WorkItem]:
    """Where the user manages: members unpaid for 3 and 5 months, six months without reason (the regulation's
    case for the branch meeting: flagged, never acted on), and last month still to close. Four queries."""
    if not user.is_authenticated or not scope_prefixes(user, Need.MANAGE):
        return []
    today = timezone.localdate()
    items = []
    for member, n, _without, flag in flagged(scope_q(user, Need.MANAGE, "organization_path"), today)[:100]:
        items.append(WorkItem(kind="dues", title=_(FLAG_TEXT[flag]) % {"n": n, "name": member.name},
                              url=reverse("dues:member", args=[member.pk]), due=today, state=_("dues arrears"),
                              organization=member.organization.name, overdue=flag == "case",
                              uid=f"dues-arrears-{member.pk}-{flag}@chuxin"))
    last = mo.add(mo.first(today), -1)
    billed = set(DuesBill.objects.filter(scope_q(user, Need.MANAGE, "organization_path"), month=last)
                 .values_list("organization_id", flat=True).distinct()[:200])
    if billed:
        from chuxin.orgs.models import Organization

        closed = set(DuesMonth.objects.filter(month=last).values_list("organization__path", flat=True))
        for org in Organization.objects.filter(pk__in=billed).only("id", "name", "path"):
            if any(org.path.startswith(p) for p in closed):
                continue
            items.append(WorkItem(kind="dues", title=_("Close the dues of %(month)s") % {
                                      "month": date_format(last, "YEAR_MONTH_FORMAT")},
                                  url=f"{reverse('dues:branch')}?organization={org.pk}&month={last:%Y-%m}",
                                  due=mo.add(last, 1) + datetime.timedelta(days=9), state=_("month to close"),
                                  organization=org.name, uid=f"dues-close-{org.pk}-{last:%Y%m}@chuxin"))
    return items


def due_reminders(today: datetime.date) -> list[Reminder]:
    """Arrears reminders to the member's secretaries, once per member, flag and run of unpaid months (the dedup
    key names the first unpaid month and the flag). Five queries."""
    from chuxin.orgs.models import Organization

    rows = flagged(Q(), today)
    if not rows:
        return []
    # Who hears: the secretaries and workers of the member's organization; a Party group, which has none of its
    # own, its branch's (the parents are read in the same two queries).
    orgs = {m.organization_id: m.organization for m, *_ in rows}
    parents = {o.parent_id for o in orgs.values() if o.parent_id} - set(orgs)
    wanted = list(orgs.values()) + list(Organization.objects.filter(pk__in=parents).only("id", "path"))
    people = holders_by_org(wanted, Need.MANAGE, on=today, serving=True)
    reminders = []
    for member, n, _without, flag in rows:
        since = mo.add(mo.first(today), -n)
        org = member.organization
        for user in people.get(org.pk) or people.get(org.parent_id, []):
            reminders.append(Reminder(
                recipient=user, kind="overdue" if flag == "case" else "due_soon", target=member,
                title=FLAG_TEXT[flag], url=reverse("dues:member", args=[member.pk]),
                dedup_key=f"dues:{flag}:{since:%Y-%m}", params={"n": n, "name": member.name}))
    return reminders


def period_facts(organization, start: datetime.date, end: datetime.date) -> list[Fact]:
    """The collection rate of the period's months: paid against due, in percent (two queries)."""
    totals = DuesBill.objects.filter(subtree_q(organization.path, "organization_path"), month__gte=mo.first(start),
                                     month__lte=end).aggregate(due=Sum("due"), paid=Sum("paid"))
    due, paid = totals["due"] or ZERO, totals["paid"] or ZERO
    if not due:
        return []
    rate = _rate(paid, due) or 0
    return [Fact(code="dues_collection_rate", label=gettext_noop("Dues collection rate (%)"), count=rate,
                 items=[f"{paid:.2f} / {due:.2f}"],
                 sentence=gettext_noop("%(n)s%% of the dues of the period were collected"),
                 titles_in_sentence=False)]


def member_history(member: Member, user) -> list[HistorySection]:
    """The member's dues on their file: the last months and where they stand; for those who may read them."""
    from chuxin.core.access import can

    if not (can(user, member.organization, Need.READ) or THEMSELF.holds(user, member, Need.READ)):
        return []
    bills = list(DuesBill.objects.filter(member=member).order_by("-month")[:6])
    if not bills:
        return []
    rows = [HistoryRow(date=b.month, text=_("Dues %(month)s: %(due)s yuan") % {
                           "month": date_format(b.month, "YEAR_MONTH_FORMAT"), "due": f"{b.due:.2f}"},
                       note=_("paid") if b.settled else _("unpaid")) for b in bills]
    return [HistorySection(title=_("Party dues"), rows=rows, order=60,
                           more_url=reverse("dues:member", args=[member.pk]))]
