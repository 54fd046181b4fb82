"""Every write service of recruitment checks its actor itself, whoever calls it: a stranger and the sibling
branch's secretary are refused, and nothing is written."""

from __future__ import annotations

import datetime

from chuxin.recruitment import services
from chuxin.testing import not_refused, service_functions, valid_citizen_id

from .conftest import apply

# Public functions of the service module that write nothing (or only a row of the one being written).
READS = {"default_rule_set", "holiday_calendar", "notice_end", "refresh_next"}


def test_every_write_service_refuses_an_actor_without_standing(world, branch):
    today = datetime.date.today()
    a = apply(world, on=today - datetime.timedelta(days=3))
    tried = {
        "applicant_create": lambda actor: services.applicant_create(
            actor=actor, organization=world.b1, citizen_id_number=valid_citizen_id(datetime.date(1999, 1, 2)),
            applied_on=today, name="甲", gender="male", birth_date=datetime.date(1999, 1, 2)),
        "step_record": lambda actor: services.step_record(actor=actor, applicant=a, number=2, on=today),
        "applicant_stop": lambda actor: services.applicant_stop(actor=actor, applicant=a, reason="本人撤回"),
        "holiday_set": lambda actor: services.holiday_set(actor=actor, day=today, name="节日", is_workday=False),
    }
    assert set(tried) | READS == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider) == []
