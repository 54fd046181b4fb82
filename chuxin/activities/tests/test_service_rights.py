"""Every write service of the activities app checks its actor itself, whoever calls it: a stranger and the
sibling branch's secretary are refused, and nothing is written."""

from __future__ import annotations

from decimal import Decimal

from chuxin.activities import services
from chuxin.activities.models import Wish, token_hash
from chuxin.meetings import checkin as codes
from chuxin.testing import not_refused, service_functions

from .conftest import activity, begun

# Public functions of the service module that write nothing.
READS = {"code_id", "hours_between", "wish_token"}
# Written by a resident without an account, through the public form and their private link (the link's token is
# the right): their defences are the form's and the token's (test_wishes.py).
WITHOUT_ACCOUNT = {"wish_submit", "wish_feedback"}


def test_every_write_service_refuses_an_actor_without_standing(world, people):
    open_ = activity(world)
    row = services.participant_signup(actor=people.li.user, activity=open_)
    held = activity(world, title="已开始")
    held_row = services.participant_signup(actor=people.zhou.user, activity=held)
    begun(held)
    services.checkin_toggle(actor=None, activity=held, open_=True)

    def wish(state):
        return Wish.objects.create(organization=world.b1, organization_path=world.b1.path, wisher_name="王奶奶",
                                   wisher_contact="138", text=f"心愿{state}", state=state,
                                   token_hash=token_hash(f"rights-{state}-0123456789abcdef"),
                                   claimed_by=people.li if state == "claimed" else None)

    submitted, published, claimed = wish("submitted"), wish("published"), wish("claimed")
    tried = {
        "activity_create": lambda a: services.activity_create(
            actor=a, organization=world.b1, kind="volunteer", title="活动", place="社区", starts_at=open_.starts_at,
            ends_at=open_.ends_at, capacity=3),
        "activity_update": lambda a: services.activity_update(actor=a, activity=open_, title="改"),
        "activity_cancel": lambda a: services.activity_cancel(actor=a, activity=open_),
        "activity_close": lambda a: services.activity_close(actor=a, activity=held),
        "participant_signup": lambda a: services.participant_signup(actor=a, activity=open_),
        "participant_withdraw": lambda a: services.participant_withdraw(actor=a, participant=row),
        "participant_check_in": lambda a: services.participant_check_in(actor=a, participant=held_row),
        "participant_check_out": lambda a: services.participant_check_out(actor=a, participant=held_row),
        "participant_self_check": lambda a: services.participant_self_check(
            actor=a, activity=held, code=codes.six_digits(services.code_id(held), codes.window_now())),
        "participant_hours_set": lambda a: services.participant_hours_set(actor=a, participant=held_row,
                                                                          hours=Decimal("2"), note="改"),
        "checkin_toggle": lambda a: services.checkin_toggle(actor=a, activity=open_, open_=True),
        "wish_review": lambda a: services.wish_review(actor=a, wish=submitted, publish=True),
        "wish_claim": lambda a: services.wish_claim(actor=a, wish=published),
        "wish_release": lambda a: services.wish_release(actor=a, wish=claimed),
        "wish_fulfil": lambda a: services.wish_fulfil(actor=a, wish=claimed, note="办好了"),
    }
    assert set(tried) | READS | WITHOUT_ACCOUNT == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider) == []
