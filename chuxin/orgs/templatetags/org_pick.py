"""{% org_pick queryset selected=org need="manage" id="pick-org" %}: the select of a page's "which organization"
form (name="organization"), searching on demand past SEARCH_SELECT_FEW organizations instead of listing the first
200 and hiding the rest. {{ queryset|several }}: whether there is more than one to choose from, reading two rows."""

from django import template
from django.db.models import QuerySet

from chuxin.core.access import Need

from ..forms import OrganizationPickForm

register = template.Library()


@register.simple_tag
def org_pick(queryset: QuerySet, *, selected=None, need: str = "read", inactive: bool = False, id: str = "org-pick",
             css: str = "form-select", name: str = "organization"):
    form = OrganizationPickForm(queryset=queryset, need=Need[need.upper()], selected=selected or None,
                                inactive=inactive, attrs={"id": id, "class": css}, name=name)
    return form[name].as_widget()


@register.filter
def several(queryset: QuerySet) -> bool:
    return len(queryset[:2]) > 1
