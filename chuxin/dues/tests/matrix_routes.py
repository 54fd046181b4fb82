"""The dues app's URLs for the role matrix (chuxin/portal/tests/test_role_matrix.py).

At each target organization the objects are: the member file's bill for this month (with a base), and a proposed
reduction. The member themself reads their own statement (the OWN member); a member reads the yearly summary of
their organization (totals, no names); the next level up (not the branch itself) decides a reduction.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from chuxin.testing import FORBIDDEN, OK, M, P, R, anywhere, get_and_post, obj


def _bill(env, where: str):
    from chuxin.dues.models import DuesBase, DuesBill

    def make():
        member = env.member(where)
        month = timezone.localdate().replace(day=1)
        DuesBase.objects.create(member=member, kind="employed", base=Decimal("4000"), effective_month=month)
        return DuesBill.objects.create(member=member, organization=member.organization,
                                       organization_path=member.organization.path, month=month, kind="employed",
                                       base=Decimal("4000"), due=Decimal("40.00"))

    return env.once(("dues-bill", where), make)


def _reduction(env, where: str):
    from chuxin.dues.models import DuesReduction

    def make():
        member = env.member(where)
        month = timezone.localdate().replace(day=1)
        return DuesReduction.objects.create(member=member, organization=member.organization,
                                            organization_path=member.organization.path, first_month=month,
                                            last_month=month, amount=Decimal("0"), reason="困难",
                                            decided_on=datetime.date(2026, 1, 5))

    return env.once(("dues-reduction", where), make)


def routes() -> dict:
    def member(env, where):
        return {"pk": _bill(env, where).member_id}, {}

    def bill(env, where):
        return {"pk": _bill(env, where).pk}, {}

    def reduction(env, where):
        return {"pk": _reduction(env, where).pk}, {}

    def org_query(env, where):
        return {}, {"organization": env.org(where).pk}

    def org_month(env, where):
        return {}, {"organization": env.org(where).pk, "month": f"{timezone.localdate():%Y-%m}"}

    def own(env, where):  # at B1 the plain member's own file
        return {"pk": (env.world.member if where == "B1" else _bill(env, where).member).pk}, {}

    # The next level decides a reduction: a branch's own secretary does not.
    not_superior = {("secretary", "B1"): FORBIDDEN, ("outsider", "B2"): FORBIDDEN}
    return {
        "dues:home": [anywhere("get", P)],
        "dues:branch": [obj("get", R, org_month)],
        "dues:generate": [obj("post", M, org_month)],
        "dues:close": [obj("post", M, org_month)],
        "dues:month-xlsx": [obj("get", R, org_month)],
        "dues:reconcile": [obj("get", R, org_query)],
        "dues:summary": [obj("get", P, org_query)],
        "dues:summary-xlsx": [obj("get", P, org_query)],
        "dues:member": [obj("get", R, member), obj("get", R, own, special={("member", "B1"): OK})],
        "dues:base": get_and_post(obj("get", M, member)),
        "dues:pay": get_and_post(obj("get", M, member)),
        "dues:reduction-add": get_and_post(obj("get", M, member)),
        "dues:reason": [obj("post", M, bill)],
        "dues:reductions": [obj("get", R, org_query)],
        "dues:reduction-decide": [obj("post", M, reduction, special=not_superior)],
    }
