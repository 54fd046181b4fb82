"""Demo transfers for the demo unit: a member of HX-B01 transferring to HX-B02 (approved by the sending side,
waiting on the receiving secretary's workbench), a letter out of the platform issued five weeks ago whose return
slip is overdue, and a member registered last month from a letter. Idempotent."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from chuxin.members import citizen_id
from chuxin.members.models import Member
from chuxin.orgs.models import Organization

from . import services
from .models import Transfer


def seed_demo_data(*, today: datetime.date) -> None:
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["HX-B01", "HX-B02", "HX-B03"])}
    if len(orgs) < 3 or Transfer.objects.exists():
        return
    full = list(Member.objects.filter(organization__in=[orgs["HX-B01"], orgs["HX-B03"]], status="active",
                                      category="full").order_by("pk")[:4])
    if len(full) < 2:
        return
    with transaction.atomic():
        moving = next(m for m in full if m.organization_id == orgs["HX-B01"].pk) if any(
            m.organization_id == orgs["HX-B01"].pk for m in full) else full[0]
        t = services.transfer_request(actor=None, member=moving, kind=Transfer.Kind.WITHIN,
                                      destination=orgs["HX-B02"], reason="工作调动到第二党支部所在部门",
                                      today=today - datetime.timedelta(days=3))
        services.transfer_approve(actor=None, transfer=t, today=today - datetime.timedelta(days=2))
        leaving = next(m for m in full if m.pk != moving.pk)
        out = services.transfer_request(actor=None, member=leaving, kind=Transfer.Kind.OUT,
                                        other_name="中共某市某区街道工作委员会", reason="调离本单位",
                                        today=today - datetime.timedelta(days=36))
        services.transfer_approve(actor=None, transfer=out, valid_days=30,
                                  dues_paid_to=(today - datetime.timedelta(days=40)).replace(day=1),
                                  today=today - datetime.timedelta(days=35))
        born = datetime.date(1990, 10, 8)
        services.incoming_register(
            actor=None, organization=orgs["HX-B03"], other_name="中共某大学计算机学院委员会",
            letter_number=f"{today.year}-0137", letter_on=today - datetime.timedelta(days=30),
            dues_paid_to=(today - datetime.timedelta(days=60)).replace(day=1),
            citizen_id_number=citizen_id.fake(random.Random(5), born, True, "330106", serial=7),
            name="陆明", gender="male", birth_date=born, phone="13700009999", category="full",
            joined_on=datetime.date(2012, 6, 1), full_member_on=datetime.date(2013, 6, 1),
            today=today - datetime.timedelta(days=25))
