"""Demo recruitment for the demo unit: people at every stage in HX-B01 and HX-B02, walked through the steps by
the services (the dates within the 2014 rules' limits), so the overview, the workbench and the reminders show a
real picture: an application whose talk is due within the month, one whose talk is overdue, activists, candidates,
a person voted in by the general meeting awaiting approval, probationary members with their member files, and one
made a full member. Idempotent: nothing is made when HX-B01 already has people in recruitment.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from chuxin.members import citizen_id
from chuxin.members.models import Member
from chuxin.orgs.models import Organization

from . import deadlines, services
from .models import Applicant

# Days after the application each step is taken on (steps 7 and 23 hang on their earliest day, set below).
OFFSETS = {1: 0, 2: 20, 3: 60, 4: 70, 5: 75, 6: 200}
AFTER_7 = {8: 5, 9: 10, 10: 20, 11: 30, 12: 40, 13: 50, 14: 55, 15: 60, 16: 65, 17: 80, 18: 85, 19: 90, 20: 95,
           21: 120, 22: 340}
AFTER_23 = {24: 30, 25: 35}

PEOPLE = [  # name, male, born, organization, the last step taken, days between that step and today
    ("林晓", False, datetime.date(2001, 3, 12), "HX-B01", 1, 20),
    ("高远", True, datetime.date(1999, 8, 2), "HX-B01", 1, 40),
    ("郭静", False, datetime.date(1998, 11, 23), "HX-B02", 2, 10),
    ("何志强", True, datetime.date(1996, 5, 9), "HX-B01", 6, 30),
    ("罗佳", False, datetime.date(1997, 1, 30), "HX-B02", 5, 15),
    ("梁宇", True, datetime.date(1995, 7, 14), "HX-B01", 9, 20),
    ("宋雨桐", False, datetime.date(1996, 12, 1), "HX-B01", 11, 5),
    ("唐浩", True, datetime.date(1994, 4, 18), "HX-B01", 15, 40),
    ("韩梅", False, datetime.date(1993, 9, 27), "HX-B02", 18, 60),
    ("冯磊", True, datetime.date(1992, 2, 5), "HX-B01", 21, 100),
    ("曹丽", False, datetime.date(1991, 6, 21), "HX-B01", 25, 30),
]


def schedule(start: datetime.date) -> dict[int, datetime.date]:
    days = {n: start + datetime.timedelta(days=d) for n, d in OFFSETS.items()}
    days[7] = deadlines.add_months(days[3], 12) + datetime.timedelta(days=10)
    days.update({n: days[7] + datetime.timedelta(days=d) for n, d in AFTER_7.items()})
    days[23] = deadlines.add_months(days[15], 12) + datetime.timedelta(days=5)
    days.update({n: days[23] + datetime.timedelta(days=d) for n, d in AFTER_23.items()})
    return days


def walk(applicant: Applicant, days: dict[int, datetime.date], upto: int, *, people: list[Member], actor=None):
    """Record steps 2..upto on their scheduled days, with what each kind of step needs."""
    for number in range(2, upto + 1):
        on = days[number]
        extra: dict = {}
        if number in (3, 7, 12):
            extra["notice_from"] = on - datetime.timedelta(days=12)
        if number == 5:
            extra["people"] = people[:1]
        if number == 9:
            extra["people"] = people[:2]
        if number == 11:
            extra["training_days"] = 3
        services.step_record(actor=actor, applicant=applicant, number=number, on=on, **extra)


def seed_demo_data(*, today: datetime.date) -> None:
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["HX-B01", "HX-B02"])}
    if len(orgs) < 2 or Applicant.objects.filter(organization=orgs["HX-B01"]).exists():
        return
    rng = random.Random(13)
    with transaction.atomic():
        for serial, (name, male, born, code, upto, ago) in enumerate(PEOPLE):
            org = orgs[code]
            sponsors = list(Member.objects.filter(organization=org, category=Member.Category.FULL,
                                                  status=Member.Status.ACTIVE).order_by("pk")[:2])
            probe = schedule(today)
            start = today - (probe[upto] - today) - datetime.timedelta(days=ago)
            days = schedule(start)
            applicant = services.applicant_create(
                actor=None, organization=org, citizen_id_number=citizen_id.fake(rng, born, male, "320102",
                                                                                serial=serial),
                applied_on=start, name=name, gender="male" if male else "female", birth_date=born,
                phone=f"1370000{serial:04d}", education="bachelor", unit="机关办公室")
            walk(applicant, days, upto, people=sponsors)
