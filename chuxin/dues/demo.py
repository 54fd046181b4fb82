"""Demo dues for the demo branches that `manage.py seed_demo` builds: a year of bills up to this month.

Each member has a base (most employed at different brackets, some retired, a student, a farmer); one employed
member's pay rises in June. Most pay every month (some a quarter at once, one by a relative); one member of
HX-B02 has paid nothing for six months (the case for the branch meeting), one of HX-B03 for three months, and one
has an approved hardship exemption. Every month before last is closed. Idempotent: nothing is made when a demo
member already has a base.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db.models import F, Q

from chuxin.core.paths import subtree_q
from chuxin.members.models import Member
from chuxin.orgs.models import Organization

from . import months as mo
from . import services
from .models import DuesBase, DuesBill, DuesMonth
from .rules import Kind

BASES = [(Kind.EMPLOYED, "2800.00"), (Kind.EMPLOYED, "4200.00"), (Kind.EMPLOYED, "6500.00"),
         (Kind.EMPLOYED, "12000.00"), (Kind.RETIRED, "4600.00"), (Kind.RETIRED, "5800.00"), (Kind.STUDENT, "0"),
         (Kind.FARMER, "0.50"), (Kind.EMPLOYED, "3000.00"), (Kind.EMPLOYED, "5000.01")]


def seed_demo_data(*, today: datetime.date) -> None:
    orgs = list(Organization.objects.filter(code__in=["HX-B01", "HX-B02", "HX-B03"]).order_by("code"))
    if not orgs:
        return
    where = Q(pk__in=[])
    for org in orgs:
        where |= subtree_q(org.path, "organization__path")
    members = list(Member.objects.filter(where, status=Member.Status.ACTIVE).select_related("organization")
                   .order_by("pk"))
    if not members or DuesBase.objects.filter(member__in=members).exists():
        return
    rng = random.Random(13)
    this = mo.first(today)
    start = mo.add(this, -11)
    for i, m in enumerate(members):
        kind, base = BASES[i % len(BASES)]
        services.base_set(actor=None, member=m, kind=kind, base=Decimal(base), effective_month=start)
        if i == 1:  # a pay rise from June (or this month when June is still to come)
            june = datetime.date(today.year, 6, 1)
            services.base_set(actor=None, member=m, kind=Kind.EMPLOYED, base=Decimal("5200.00"),
                              effective_month=june if june <= this else this, note="岗位调整")
    arrears6 = next((m for m in members if m.organization.code == "HX-B02"), None)
    arrears3 = next((m for m in members if m.organization.code == "HX-B03"), None)
    exempt = members[-1] if members[-1] not in (arrears6, arrears3) else None
    if exempt is not None:
        reduction = services.reduction_propose(actor=None, member=exempt, first_month=mo.add(this, -3),
                                               last_month=this, amount=Decimal("0"), reason="家庭遭遇重大变故，生活困难",
                                               decided_on=mo.add(this, -3) + datetime.timedelta(days=5))
        services.reduction_decide(actor=None, reduction=reduction, approve=True)
    for month in mo.span(start, this):
        services._generate(where, month)
    for i, m in enumerate(members):
        stop = this
        if m == arrears6:
            stop = mo.add(this, -7)
        elif m == arrears3:
            stop = mo.add(this, -4)
        quarterly = i % 5 == 3
        unpaid = set(DuesBill.objects.filter(member=m, paid__lt=F("due")).values_list("month", flat=True))
        month = start
        while month <= stop:
            if month == this and rng.random() < 0.5:
                break  # this month is still being collected
            span = [month]
            if quarterly and month.month % 3 == 1:
                span = [x for x in mo.span(month, mo.add(month, 2)) if x <= stop]
            span = [b for b in span if b in unpaid]
            if not span:
                month = mo.add(month, 1)
                continue
            day = min(month + datetime.timedelta(days=14), today)
            services.payment_record(actor=None, member=m, months=span, paid_on=day, today=today,
                                    method="transfer" if i % 2 else "cash",
                                    paid_by="家属代缴" if i % 7 == 2 else "",
                                    extra=Decimal("1000") if (i == 0 and month == start) else Decimal("0"),
                                    note="自愿多交，全额上缴" if (i == 0 and month == start) else "")
            month = mo.add(span[-1], 1)
    for org in orgs:
        for month in mo.span(start, mo.add(this, -2)):
            if not DuesMonth.objects.filter(organization=org, month=month).exists():
                services.month_close(actor=None, organization=org, month=month, today=today)
