"""The transfers app's URLs for the role matrix (chuxin/portal/tests/test_role_matrix.py).

At each target organization (B1, B2, X2): a letter out of the platform requested and one approved (its PDF), and a
transfer within the tree to a Party group under the organization, approved and waiting for acceptance. The sending
side acts with MANAGE on its organization, the receiving side with MANAGE on the destination (here under the same
organization, so the same people); everyone reading there sees them.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from chuxin.testing import M, R, anywhere, get_and_post, obj


def _out(env, where: str, *, approved: bool = False):
    from chuxin.testing import make_member
    from chuxin.transfers import services

    def make():
        member = make_member(env.org(where), f"转出{where}{'批' if approved else ''}")
        t = services.transfer_request(actor=None, member=member, kind="out", other_name="外单位党委",
                                      reason="调动")
        if approved:
            t = services.transfer_approve(actor=None, transfer=t, valid_days=30,
                                          dues_paid_to=timezone.localdate().replace(day=1))
        return t

    return env.once(("transfer-out", where, approved), make)


def _within(env, where: str):
    from chuxin.orgs.services import organization_create
    from chuxin.testing import make_member
    from chuxin.transfers import services

    def make():
        group = organization_create(actor=None, parent=env.org(where), name=f"接收小组{where}", code=f"RG-{where}",
                                    kind="party_group")
        member = make_member(env.org(where), f"转入{where}", joined_on=datetime.date(2012, 1, 1),
                             full_member_on=datetime.date(2013, 1, 1))
        t = services.transfer_request(actor=None, member=member, kind="within", destination=group, reason="调动")
        return services.transfer_approve(actor=None, transfer=t)

    return env.once(("transfer-within", where), make)


def routes() -> dict:
    def requested(env, where):
        return {"pk": _out(env, where).pk}, {}

    def approved(env, where):
        return {"pk": _out(env, where, approved=True).pk}, {}

    def within(env, where):
        return {"pk": _within(env, where).pk}, {}

    def member_query(env, where):
        return {}, {"member": env.member(where).pk}

    def org_query(env, where):
        return {}, {"organization": env.org(where).pk}

    return {
        "transfers:list": [anywhere("get", R)],
        "transfers:create": get_and_post(obj("get", M, member_query)),
        "transfers:incoming": get_and_post(obj("get", M, org_query)),
        "transfers:detail": [obj("get", R, requested), obj("get", R, within)],
        "transfers:approve": [obj("post", M, requested)],
        "transfers:accept": [obj("post", M, within)],
        "transfers:refuse": [obj("post", M, requested)],
        "transfers:withdraw": [obj("post", M, requested)],
        "transfers:return-slip": [obj("post", M, approved)],
        "transfers:letter": [obj("get", M, approved)],
    }
