"""Bad input is refused where it enters, with a message, never with a server error: dates between 1900 and 2100
in every form, ids that no 64-bit column can hold, NUL characters in any parameter."""

from __future__ import annotations

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core.forms import DATE_MAX, DATE_MIN, BoundedDatesMixin
from chuxin.directives.models import Directive
from chuxin.orgs.models import Organization

HUGE = 2**63


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings."""


def _form_classes():
    for config in apps.get_app_configs():
        if not config.name.startswith("chuxin."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_form_with_a_date_bounds_it():
    with_dates = [cls for cls in _form_classes()
                  if any(isinstance(f, forms.DateField) for f in cls.base_fields.values())]
    assert len(with_dates) >= 10  # directives, members, orgs, plans, reports
    unbounded = [cls.__qualname__ for cls in with_dates if not issubclass(cls, BoundedDatesMixin)]
    assert not unbounded, f"forms whose dates are not bounded (use StyledMixin or BoundedDatesMixin): {unbounded}"


def _org_form(client, parent, established_on: str):
    return client.post(reverse("orgs:create") + f"?parent={parent.pk}", {
        "name": "新支部", "code": f"N{established_on[:4]}", "kind": "branch", "established_on": established_on,
    })


@pytest.mark.parametrize(("day", "accepted"), [
    ("1899-12-31", False), ("1900-01-01", True), ("2100-12-31", True), ("2101-01-01", False),
    ("9999-12-31", False), ("0001-01-01", False),
])
def test_a_date_is_accepted_from_1900_to_2100(world, client_for, day, accepted):
    response = _org_form(client_for(world.worker), world.pc, day)
    assert Organization.objects.filter(code=f"N{day[:4]}").exists() == accepted
    if not accepted:
        assert response.status_code == 200
        assert response.context["form"].errors["established_on"] == [
            "Enter a date between 1900-01-01 and 2100-12-31."]


def test_the_date_picker_offers_only_the_accepted_dates(world, client_for):
    page = client_for(world.worker).get(reverse("orgs:create") + f"?parent={world.pc.pk}").content.decode()
    assert f'type="date" name="established_on" min="{DATE_MIN:%Y-%m-%d}" max="{DATE_MAX:%Y-%m-%d}"' in page


def test_a_task_due_in_the_year_9999_is_refused_on_the_form(world, client_for):
    from chuxin.plans.models import Plan, PlanArea, PlanItem, Task

    plan = Plan.objects.create(organization=world.b1, year=2026, title="计划", owner=world.secretary)
    item = PlanItem.objects.create(plan=plan, area=PlanArea.objects.create(organization=world.b1, name="组织建设"),
                                   title="规范三会一课")
    response = client_for(world.secretary).post(reverse("plans:task-create", args=[item.pk]), {
        "title": "学习", "start_on": "2026-03-01", "due_on": "9999-12-31", "lead": world.member_user.pk,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["due_on"] == ["Enter a date between 1900-01-01 and 2100-12-31."]
    assert not Task.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# Ids no column can hold


def _send_directive(client, world, recipients):
    return client.post(reverse("directives:create") + f"?sender={world.pc.pk}", {
        "title": "通知", "body": "内容", "due_on": timezone.localdate().isoformat(), "recipients": recipients,
    })


@pytest.mark.parametrize("forged", [str(HUGE), str(-HUGE - 1), "1" + "0" * 40])
def test_an_id_beyond_64_bits_among_the_choices_is_an_invalid_choice(world, client_for, forged):
    response = _send_directive(client_for(world.worker), world, [world.b1.pk, forged])
    assert response.status_code == 200
    assert response.context["form"].errors["recipients"] == [
        f"Organization {forged} is not under the sending organization; choose from the list."]
    assert not Directive.objects.exists()


def test_a_task_with_a_forged_huge_person_id_is_refused(world, client_for):
    from chuxin.plans.models import Plan, PlanArea, PlanItem

    plan = Plan.objects.create(organization=world.b1, year=2026, title="计划", owner=world.secretary)
    item = PlanItem.objects.create(plan=plan, area=PlanArea.objects.create(organization=world.b1, name="组织建设"),
                                   title="规范三会一课")
    response = client_for(world.secretary).post(reverse("plans:task-create", args=[item.pk]), {
        "title": "学习", "start_on": "2026-03-01", "due_on": "2026-04-01", "cooperating": [str(HUGE)],
    })
    assert response.status_code == 200
    assert "cooperating" in response.context["form"].errors


def test_in_on_an_id_column_ignores_numbers_it_cannot_hold(world):
    found = Organization.objects.filter(pk__in=[HUGE, -HUGE - 1, world.b1.pk])
    assert list(found) == [world.b1]
    assert not Organization.objects.filter(pk__in=[HUGE]).exists()
    assert Organization.objects.exclude(pk__in=[HUGE]).count() == Organization.objects.count()


# ---------------------------------------------------------------------------------------------------------------
# NUL characters


def test_nul_in_a_search_is_dropped_not_a_server_error(world, client_for):
    audit_record(actor=world.worker, action=AuditEntry.Action.CREATE, organization=world.b1, target_repr="学习计划")
    response = client_for(world.worker).get(reverse("audit:list"), {"q": "学习\x00计划"})
    assert response.status_code == 200
    assert response.context["q"] == "学习计划"
    assert [e.target_repr for e in response.context["page_obj"]] == ["学习计划"]
    assert client_for(world.worker).get("/audit/?q=%00").status_code == 200


def test_nul_in_posted_text_is_dropped_and_the_rest_kept(world, client_for):
    response = _org_form(client_for(world.worker), world.pc, "2020-07-01")  # a plain post first: it works
    assert response.status_code == 302
    client_for(world.worker).post(reverse("orgs:create") + f"?parent={world.pc.pk}", {
        "name": "第三\x00支部", "code": "B\x003", "kind": "branch\x00", "description": "\x00",
    })
    org = Organization.objects.get(code="B3")
    assert (org.name, org.kind, org.description) == ("第三支部", "branch", "")


def test_a_negative_organization_in_the_plan_picker_is_no_organization(world, client_for):
    assert client_for(world.secretary).get(reverse("plans:list"), {"organization": "-1"}).status_code == 200
    assert client_for(world.secretary).get(reverse("plans:list"), {"year": "-2026"}).status_code == 200


def test_a_date_field_outside_the_range_fails_validation_even_without_a_form_around_it():
    from chuxin.core.forms import DateField

    field = DateField()
    assert field.clean("2100-12-31") == datetime.date(2100, 12, 31)
    with pytest.raises(forms.ValidationError):
        field.clean("2101-01-01")
