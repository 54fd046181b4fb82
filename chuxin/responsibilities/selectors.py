"""Reads of responsibility lists, narrowed to what the user may see."""

from __future__ import annotations

import datetime

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as noop

from chuxin.core.access import Need, fetch
from chuxin.core.db import Bound, PreparedExists, PreparedRows, totals
from chuxin.core.paths import ranges_q, subtree_bounds, subtree_q
from chuxin.core.protocols import Fact, WorkItem
from chuxin.orgs.models import Organization

from .access import HOLDER, ITEM_HOLDER
from .models import ListItem, PostKind, ResponsibilityList, ResponsibilityTemplate, TemplateItem


def _with_progress(qs: QuerySet[ResponsibilityList]) -> QuerySet[ResponsibilityList]:
    """Item counts and percent done, computed in the same query as the lists."""
    return qs.annotate(
        item_count=Count("items"),
        done_items=Count("items", filter=Q(items__done_at__isnull=False)),
    ).annotate(
        # Integer percent; a list without items counts as done (nothing is owed).
        percent=Case(
            When(item_count=0, then=Value(100)),
            default=F("done_items") * 100 / F("item_count"),
            output_field=IntegerField(),
        )
    )


def _mine_q(user, year: int) -> Q:
    """The lists a user answers for: those they hold, and the committee lists of the organizations where they
    hold the secretary's list (the secretary answers for the committee's primary responsibility too)."""
    held = Q(holder_user=user) | Q(holder_member__user=user)
    secretary_of = ResponsibilityList.objects.filter(
        Q(holder_user=user) | Q(holder_member__user=user), year=year, post_kind=PostKind.SECRETARY,
        organization=OuterRef("organization"),
    )
    return held | (Q(post_kind=PostKind.COMMITTEE) & Exists(secretary_of))


def my_lists(user, *, year: int) -> QuerySet[ResponsibilityList]:
    return (
        _with_progress(ResponsibilityList.objects.filter(_mine_q(user, year), year=year))
        .select_related("organization", "template")
        .order_by("organization__path", "post_kind", "pk")
    )


def access_list(user, pk, *, need: Need) -> ResponsibilityList:
    """A list opens for its holder, and for whoever has the need on its organization."""
    return fetch(user, ResponsibilityList.objects.select_related("organization", "template", "holder_member",
                                                                 "position"), pk, need=need, relations=[HOLDER])


def access_list_item(user, pk, *, need: Need) -> ListItem:
    return fetch(user, ListItem.objects.select_related("list__organization", "list__holder_member", "marked_by"), pk,
                 need=need, organization="list.organization", relations=[ITEM_HOLDER])


def list_items(rlist: ResponsibilityList) -> QuerySet[ListItem]:
    return rlist.items.select_related("marked_by").order_by("sort_order", "pk")


def overview(organization: Organization, *, year: int, post_kind: str = "") -> QuerySet[ResponsibilityList]:
    """Every list in the organization's subtree for the year, most behind first, with its open items.

    The caller has checked READ on the organization; the subtree lies inside that scope."""
    qs = ResponsibilityList.objects.filter(subtree_q(organization.path, "organization__path"), year=year)
    if post_kind:
        qs = qs.filter(post_kind=post_kind)
    return (
        _with_progress(qs)
        .select_related("organization")
        .prefetch_related(
            Prefetch("items", queryset=ListItem.objects.filter(done_at__isnull=True).order_by("sort_order", "pk"),
                     to_attr="open_items")
        )
        .order_by("percent", "organization__path", "post_kind", "pk")
    )


def progress_in(organization: Organization, *, year: int) -> dict[str, int]:
    """The year's responsibility lists in the organization's subtree: how many, their duties and those done.
    For the summary of a subtree. One query."""
    return _PROGRESS_IN.row(list(subtree_bounds(organization.path)), year) or {"lists": 0, "items": 0, "done": 0}


# Compiled once (chuxin.core.db.PreparedRows): the subtree as its two bounds.
_PROGRESS_IN = PreparedRows(lambda bounds, year: totals(
    ListItem.objects.filter(ranges_q(bounds, "list__organization__path"), list__year=year),
    lists=Count("list", distinct=True), items=Count("id"), done=Count("id", filter=Q(done_at__isnull=False))))


def templates_applying(organization: Organization) -> list[tuple[str, ResponsibilityTemplate | None]]:
    """For each post, the template that applies to the organization (its own, or the nearest above), with
    items; None where nothing is defined yet (the defaults will be made on first use)."""
    paths = [*organization.ancestor_paths, organization.path]
    found: dict[str, ResponsibilityTemplate] = {}
    templates = (
        ResponsibilityTemplate.objects.filter(organization__path__in=paths)
        .select_related("organization")
        .prefetch_related(Prefetch("items", queryset=TemplateItem.objects.order_by("sort_order", "pk")))
        .order_by("-organization__path")
    )
    for template in templates:
        found.setdefault(template.post_kind, template)
    return [(kind, found.get(kind)) for kind in PostKind.values]


def access_template(user, pk, *, need: Need) -> ResponsibilityTemplate:
    return fetch(user, ResponsibilityTemplate.objects.select_related("organization"), pk, need=need)


def access_template_item(user, pk, *, need: Need) -> TemplateItem:
    return fetch(user, TemplateItem.objects.select_related("template__organization"), pk, need=need, organization="template.organization")


# --- for other apps --------------------------------------------------------------------------------------------


def year_elapsed(today: datetime.date) -> float:
    start = datetime.date(today.year, 1, 1)
    days = (datetime.date(today.year + 1, 1, 1) - start).days
    return (today - start).days / days


def expected_by(required: int, today: datetime.date) -> int:
    """How many times a duty should have been done by today, the year's work spread evenly (rounded)."""
    return int(required * year_elapsed(today) + 0.5)


def _open_items(user, year: int) -> QuerySet[ListItem]:
    """The year's duties not done on the lists the user answers for (`user`: an account or its id)."""
    return ListItem.objects.filter(
        done_at__isnull=True,
        list__in=ResponsibilityList.objects.filter(_mine_q(user, year), year=year).values("pk"),
    )


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`)."""
    return [_PROBE.bind(user.pk, timezone.localdate().year)] if user.is_authenticated else []


_PROBE = PreparedExists(_open_items)


def workbench_items(user, today: datetime.date | None = None) -> list[WorkItem]:
    """My open duties this year, only those behind schedule, so the workbench is not flooded. One query."""
    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    items = (
        _open_items(user, today.year)
        .select_related("list__organization")
        .only("pk", "text", "required_count", "done_count", "list__id", "list__post_kind",
              "list__organization__name")
        .order_by("list_id", "sort_order", "pk")
    )
    due = datetime.date(today.year, 12, 31)
    result = []
    for item in items:
        if item.done_count >= expected_by(item.required_count, today):
            continue
        url = reverse("responsibilities:list", kwargs={"pk": item.list_id})
        state = (_("%(done)s of %(required)s done") % {"done": item.done_count, "required": item.required_count}
                 if item.required_count > 1 else _("not done yet"))
        result.append(WorkItem(
            kind="responsibility", title=item.text, url=url, due=due, state=state,
            organization=item.list.organization.name, uid=f"responsibility-item-{item.pk}@chuxin",
        ))
    return result


def period_facts(organization: Organization, start: datetime.date, end: datetime.date) -> list[Fact]:
    """Responsibility items of the organization's own lists completed between start and end (inclusive), for a
    report's pre-filled facts (the registry's `facts` hook)."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    texts = list(
        ListItem.objects.filter(list__organization=organization, done_at__gte=since, done_at__lt=until)
        .order_by("done_at", "pk").values_list("text", flat=True)
    )
    return [Fact(code="responsibility_items_done", label=noop("Responsibility items completed"), count=len(texts),
                 items=texts, sentence=_("%(n)s responsibility items completed") % {"n": len(texts)})]
