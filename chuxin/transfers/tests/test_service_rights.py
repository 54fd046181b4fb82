"""Every write service of transfers checks its actor itself, whoever calls it: a stranger and the sibling branch's
secretary are refused, and nothing is written. (The transfer here goes to B1's own Party group, so the sibling's
secretary is on neither side.)"""

from __future__ import annotations

import datetime

from chuxin.testing import make_member, not_refused, service_functions, valid_citizen_id
from chuxin.transfers import services


def test_every_write_service_refuses_an_actor_without_standing(world):
    today = datetime.date.today()
    requested = services.transfer_request(actor=world.secretary, member=world.member, kind="within",
                                          destination=world.g1, reason="调整")
    moving = make_member(world.b1, "乙")
    approved = services.transfer_approve(actor=world.secretary, transfer=services.transfer_request(
        actor=world.secretary, member=moving, kind="within", destination=world.g1, reason="调整"))
    letter = services.transfer_approve(actor=world.secretary, dues_paid_to=today, transfer=services.transfer_request(
        actor=world.secretary, member=make_member(world.b1, "丙"), kind="out", other_name="外", reason="调动"))
    born = datetime.date(1990, 1, 1)
    tried = {
        "transfer_request": lambda a: services.transfer_request(actor=a, member=make_member(world.b1, "丁"),
                                                                kind="out", other_name="外", reason="x"),
        "transfer_approve": lambda a: services.transfer_approve(actor=a, transfer=requested),
        "transfer_accept": lambda a: services.transfer_accept(actor=a, transfer=approved),
        "transfer_refuse": lambda a: services.transfer_refuse(actor=a, transfer=requested, reason="x"),
        "transfer_withdraw": lambda a: services.transfer_withdraw(actor=a, transfer=requested),
        "transfer_return_slip": lambda a: services.transfer_return_slip(actor=a, transfer=letter, on=today),
        "incoming_register": lambda a: services.incoming_register(
            actor=a, organization=world.b1, other_name="外", letter_number="1", letter_on=today, dues_paid_to=None,
            citizen_id_number=valid_citizen_id(born), name="戊", gender="male", birth_date=born, category="full",
            joined_on=datetime.date(2012, 1, 1), full_member_on=datetime.date(2013, 1, 1)),
    }
    assert set(tried) == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider) == []
