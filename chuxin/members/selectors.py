from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from chuxin.core.access import Need, scope_q
from chuxin.orgs.models import Organization
from chuxin.orgs.paths import subtree_q

from .models import Member
from .rules import AGE_BANDS


@dataclass
class MemberFilters:
    organization: Organization | None = None
    category: str = ""
    status: str = ""
    education: str = ""
    age_band: str = ""
    q: str = ""


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def member_list(user, filters: MemberFilters | None = None, *, need: Need = Need.READ) -> QuerySet[Member]:
    """Members in the user's scope, filtered. One query for a page: the organization is joined in."""
    filters = filters or MemberFilters()
    qs = Member.objects.filter(scope_q(user, need, "organization__path"))
    if filters.organization is not None:
        qs = qs.filter(subtree_q(filters.organization.path, "organization__path"))
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.education:
        qs = qs.filter(education=filters.education)
    if filters.age_band:
        today = timezone.localdate()
        for key, _label, low, high in AGE_BANDS:
            if key == filters.age_band:
                # age >= low  <=>  born on or before today minus low years; age <= high <=> born after today-(high+1)
                qs = qs.filter(birth_date__lte=_years_ago(today, low), birth_date__gt=_years_ago(today, high + 1))
    term = filters.q.strip()
    if term:
        if term.isascii() and term.isalpha():
            term = term.lower()
            qs = qs.filter(Q(name_initials__startswith=term) | Q(name_pinyin__startswith=term))
        elif term.isdigit():
            qs = qs.filter(phone__contains=term)
        else:
            qs = qs.filter(name__contains=term)
    return qs.select_related("organization").order_by("name_pinyin", "id")
