"""`manage.py seed_demo` builds the believable unit and every capability's records on it, and running it
again changes nothing."""

from django.core.management import call_command

from chuxin.accounts.models import User
from chuxin.directives.models import Directive
from chuxin.members.models import Member
from chuxin.notifications.models import Notification
from chuxin.orgs.models import Organization, PartnerUnit, Position
from chuxin.plans.models import Task
from chuxin.reports.models import Report
from chuxin.responsibilities.models import ResponsibilityList
from chuxin.workbench.selectors import my_items

COUNTED = (Organization, Member, Position, PartnerUnit, User, Task, Directive, Report, ResponsibilityList,
           Notification)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_the_demo_is_a_living_unit_and_idempotent(db):
    call_command("seed_demo", verbosity=0)
    first = counts()
    # The unit's 60, three admitted through recruitment and one registered from an introduction letter.
    assert first["Member"] == 64
    assert first["PartnerUnit"] == 2
    assert Organization.objects.filter(kind=Organization.Kind.BRANCH).count() == 3
    assert Member.objects.filter(category=Member.Category.PROBATIONARY).count() >= 1
    assert {"worker", "secretary1", "committee1", "viewer", "member1", "admin"} <= set(
        User.objects.values_list("username", flat=True))
    # Every kind of work is there, so `make run` shows a living workbench.
    assert first["Task"] >= 10 and first["Directive"] >= 2 and first["Report"] >= 3
    assert first["ResponsibilityList"] >= 3
    assert my_items(User.objects.get(username="secretary1"))
    call_command("seed_demo", verbosity=0)
    assert counts() == first
