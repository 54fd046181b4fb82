"""Reads of activities and micro-wishes, narrowed to what the user may see, and what the house reads from them:
workbench items, report facts and the member file's volunteer hours.

A user sees an organization's activities and wishes with standing on it (chuxin.core.access), or as a member of
its subtree (access.ELIGIBLE: a branch member reads what the committee above organizes). Public pages read
`public_wishes`, which never loads the wisher's name or contact.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chuxin.core.access import Need, can, fetch, scope_prefixes, scope_q, scope_ranges
from chuxin.core.db import Bound, PreparedExists
from chuxin.core.paths import ranges_q
from chuxin.core.protocols import Fact, HistoryRow, HistorySection, WorkItem
from chuxin.members.models import Member
from chuxin.orgs.models import Organization, PartnerUnit
from chuxin.records.models import WorkRecord
from chuxin.records.selectors import records_in

from .access import CLAIMER, ELIGIBLE, SELF, member_of, reachable_paths
from .models import Activity, Participant, Wish

Status = Activity.Status
State = Participant.State
WishState = Wish.State


def visible_q(user, field: str = "organization_path") -> Q:
    """Rows of organizations the user stands on, or above the user's own member file."""
    q = scope_q(user, Need.PUBLIC, field)
    paths = reachable_paths(user)
    if paths:
        q |= Q(**{f"{field}__in": paths})
    return q


# --- activities ------------------------------------------------------------------------------------------------


def access_activity(user, pk, *, need: Need) -> Activity:
    """An activity: the organizer's standing, or (to read, sign up, check in) a member of its subtree."""
    relations = [ELIGIBLE] if need <= Need.PUBLIC else []
    return fetch(user, Activity.objects.select_related("organization"), pk, need=need, relations=relations)


def access_participant(user, pk, *, need: Need) -> Participant:
    """A participant row: the organizer's managers; the participant themself withdraws (need PUBLIC)."""
    relations = [SELF] if need <= Need.PUBLIC else []
    return fetch(user, Participant.objects.select_related("activity__organization", "member"), pk, need=need,
                 organization="activity.organization", relations=relations)


def activity_list(user, *, when: str = "upcoming", organization: Organization | None = None) -> QuerySet[Activity]:
    """Upcoming (not yet ended, soonest first) or past (latest first) activities the user may see."""
    now = timezone.now()
    qs = Activity.objects.filter(visible_q(user)).select_related("organization").annotate(
        signed=Count("participants", filter=Q(participants__state=State.SIGNED_UP)),
        waiting=Count("participants", filter=Q(participants__state=State.WAITING)))
    if organization is not None:
        qs = qs.filter(organization_path__startswith=organization.path)
    if when == "past":
        return qs.filter(Q(ends_at__lte=now) | ~Q(status=Status.OPEN)).order_by("-starts_at", "-pk")
    return qs.filter(ends_at__gt=now, status=Status.OPEN).order_by("starts_at", "pk")


def manageable_organizations(user) -> QuerySet[Organization]:
    return Organization.objects.filter(scope_q(user, Need.MANAGE), status=Organization.Status.ACTIVE)


def partner_choices(organization: Organization) -> QuerySet[PartnerUnit]:
    paths = [*organization.ancestor_paths, organization.path]
    return PartnerUnit.objects.filter(host__path__in=paths, is_active=True).order_by("name")


def my_place(user, activity: Activity) -> Participant | None:
    member = member_of(user)
    if member is None:
        return None
    return Participant.objects.filter(activity=activity, member=member).first()


def counts(activity: Activity) -> dict[str, int]:
    """Places taken and people waiting: one query."""
    found = dict(activity.participants.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    signed = found.get(State.SIGNED_UP, 0)
    return {"signed": signed, "waiting": found.get(State.WAITING, 0), "free": max(activity.capacity - signed, 0)}


def participant_rows(activity: Activity) -> list[Participant]:
    """The organizer's list: those with a place, then the waiting list in its order, then those withdrawn.
    One query whatever their number."""
    order = {State.SIGNED_UP: 0, State.WAITING: 1, State.WITHDRAWN: 2}
    rows = list(activity.participants.select_related("member__organization").order_by("queued_at", "pk"))
    rows.sort(key=lambda row: order[row.state])
    # Each row's action addresses, made from one reversed pattern: reversing four URLs for each of 500 rows in the
    # template took a third of the page's time.
    urls = {name: reverse(f"activities:{name}", args=[0]).replace("/0/", "/{}/")
            for name in ("participant-checkin", "participant-checkout", "hours", "withdraw")}
    position = 0
    for row in rows:
        row.urls = {name.replace("participant-", ""): pattern.format(row.pk) for name, pattern in urls.items()}
        if row.state == State.WAITING:
            position += 1
            row.position = position
    return rows


def waiting_position(participant: Participant) -> int:
    return participant.activity.participants.filter(state=State.WAITING).filter(
        Q(queued_at__lt=participant.queued_at) | Q(queued_at=participant.queued_at, pk__lt=participant.pk)).count() + 1


# --- micro-wishes ------------------------------------------------------------------------------------------------


def access_wish(user, pk, *, need: Need) -> Wish:
    """A wish: the organization's managers (review, everything), its members read published ones and claim
    them, the claimer records the fulfilment (CLAIMER)."""
    relations = [ELIGIBLE, CLAIMER] if need <= Need.PUBLIC else [CLAIMER.granting(Need.MANAGE)]
    wish = fetch(user, Wish.objects.select_related("organization", "claimed_by"), pk, need=need,
                 relations=relations)
    if not wish.is_public and not can(user, wish.organization, Need.MANAGE):
        raise Http404  # waiting for review or declined: only the organization's managers see it
    return wish


def may_see_contact(user, wish: Wish) -> bool:
    """The wisher's name and contact: the organization's managers, and the member who took the wish on."""
    return can(user, wish.organization, Need.MANAGE) or CLAIMER.holds(user, wish, Need.PUBLIC)


def wish_list(user, *, state: str = "", organization: Organization | None = None) -> QuerySet[Wish]:
    """Wishes the user may see: all of those where they manage, the public ones where they are a member."""
    q = scope_q(user, Need.MANAGE, "organization_path")
    q |= visible_q(user) & Q(state__in=[WishState.PUBLISHED, WishState.CLAIMED, WishState.FULFILLED,
                                        WishState.CLOSED])
    qs = Wish.objects.filter(q).select_related("organization", "claimed_by")
    if organization is not None:
        qs = qs.filter(organization_path__startswith=organization.path)
    if state in WishState.values:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-pk")


PUBLIC_FIELDS = ("id", "organization_id", "organization__name", "organization__code", "who", "text", "state", "created_at",
                 "fulfilled_at")


def public_wishes(organization: Organization | None = None) -> QuerySet[Wish]:
    """The public list: published and later wishes, loading only what may be shown (never a name or contact)."""
    qs = Wish.objects.filter(state__in=[WishState.PUBLISHED, WishState.CLAIMED, WishState.FULFILLED,
                                        WishState.CLOSED], organization__status=Organization.Status.ACTIVE)
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.select_related("organization").only(*PUBLIC_FIELDS).order_by("-created_at", "-pk")


def public_organizations() -> QuerySet[Organization]:
    """The organizations a resident may address a wish to: the active ones, in tree order."""
    return Organization.objects.filter(status=Organization.Status.ACTIVE).exclude(
        kind=Organization.Kind.PARTY_GROUP).only("id", "name", "code", "path", "depth").order_by("path")


# --- what the house reads ----------------------------------------------------------------------------------------


def _my_own(user, now) -> tuple[QuerySet[Participant], QuerySet[Wish]]:
    """(The user's upcoming activities they signed up for; the wishes they claimed and have not fulfilled.)"""
    return (Participant.objects.filter(member__user=user, state=State.SIGNED_UP, activity__status=Status.OPEN,
                                       activity__ends_at__gt=now),
            Wish.objects.filter(claimed_by__user=user, state=WishState.CLAIMED))


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`): the user's own activities and claimed
    wishes, and where they manage, the wishes to review and the held activities to close."""
    if not user.is_authenticated:
        return []
    now = timezone.now()
    bounds = scope_ranges(user, Need.MANAGE)
    return [_PROBE.bind(user.pk, now), *([_MANAGED_PROBE.bind(bounds, now)] if bounds else [])]


# Where the user manages: the wishes to review, the held activities to close (workbench_items' scope parts).
_MANAGED_PROBE = PreparedExists(lambda bounds, now: (
    Wish.objects.filter(ranges_q(bounds, "organization_path"), state=WishState.SUBMITTED),
    Activity.objects.filter(ranges_q(bounds, "organization_path"), status=Status.OPEN, ends_at__lte=now)))


_PROBE = PreparedExists(_my_own)


def workbench_items(user) -> list[WorkItem]:
    """Wishes waiting for review and held activities to close where the user manages; the user's own upcoming
    activities and the wishes they claimed. Four queries whatever their number."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    now = timezone.now()
    items: list[WorkItem] = []
    if scope_prefixes(user, Need.MANAGE):
        where = scope_q(user, Need.MANAGE, "organization_path")
        for w in Wish.objects.filter(where, state=WishState.SUBMITTED).select_related("organization").order_by(
                "created_at")[:50]:
            day = timezone.localtime(w.created_at).date()
            items.append(WorkItem(kind="activity", title=_("Micro-wish: %(wish)s") % {"wish": w.short},
                                  url=w.get_absolute_url(), due=day + datetime.timedelta(days=3),
                                  state=_("to review"), organization=w.organization.name,
                                  overdue=(today - day).days > 3, uid=f"wish-review-{w.pk}@chuxin"))
        for a in Activity.objects.filter(where, status=Status.OPEN, ends_at__lte=now).select_related(
                "organization").order_by("ends_at")[:50]:
            day = timezone.localtime(a.ends_at).date()
            items.append(WorkItem(kind="activity", title=a.title, url=a.get_absolute_url(), due=day,
                                  state=_("hours to record and close"), organization=a.organization.name,
                                  overdue=(today - day).days > 7, uid=f"activity-close-{a.pk}@chuxin"))
    mine, claimed = _my_own(user, now)
    for row in mine.select_related("activity__organization")[:50]:
        a = row.activity
        local = timezone.localtime(a.starts_at)
        items.append(WorkItem(kind="activity", title=f"{a.title} {local:%H:%M}", url=a.get_absolute_url(),
                              due=local.date(), state=_("to take part"), organization=a.organization.name,
                              uid=f"activity-{a.pk}@chuxin"))
    for w in claimed.select_related("organization")[:50]:
        items.append(WorkItem(kind="activity", title=_("Micro-wish: %(wish)s") % {"wish": w.short},
                              url=w.get_absolute_url(), due=None, state=_("to fulfil"),
                              organization=w.organization.name, uid=f"wish-{w.pk}@chuxin"))
    return items


def period_facts(organization: Organization, start: datetime.date, end: datetime.date) -> list[Fact]:
    """The hours of volunteer service of the period, summed from the work records of the participants' service
    (the activities held and wishes fulfilled are counted from their own records). One query."""
    payloads = records_in(organization, kinds=["activity_served"], start=start, end=end).values_list(
        "payload", flat=True)
    total = sum((Decimal(p.get("hours") or "0") for p in payloads), Decimal(0))
    if not total:
        return []
    n = int(total.to_integral_value())
    return [Fact(code="volunteer_hours", label=gettext_noop("Hours of volunteer service"), count=n,
                 sentence=_("members gave %(n)s hours of volunteer service") % {"n": n}, titles_in_sentence=False)]


def volunteer_years(member: Member) -> list[tuple[int, Decimal, int]]:
    """(year, hours, activities) of the member's service, newest year first: one query over the records."""
    years: dict[int, list] = {}
    for on, payload in WorkRecord.objects.filter(kind="activity_served", members=member).values_list(
            "on", "payload"):
        entry = years.setdefault(on.year, [Decimal(0), 0])
        entry[0] += Decimal(payload.get("hours") or "0")
        entry[1] += 1
    return [(year, hours, n) for year, (hours, n) in sorted(years.items(), reverse=True)]


def member_history(member: Member, user) -> list[HistorySection]:
    """Volunteer hours per year on the member's file (from the work records), and the wishes they fulfilled."""
    sections = []
    years = volunteer_years(member)
    if years:
        own = member.user_id == getattr(user, "pk", None)
        link = reverse("activities:list") + "?when=past" if own else ""
        rows = [HistoryRow(date=None, text=_("%(year)s: %(hours)s hours of volunteer service") % {
            "year": year, "hours": hours.normalize() if hours == hours.to_integral() else hours},
            note=_("%(n)s activities") % {"n": n}, url=link) for year, hours, n in years]
        sections.append(HistorySection(title=_("Volunteer hours"), rows=rows, order=60))
    wishes = list(Wish.objects.filter(claimed_by=member, state__in=[WishState.FULFILLED, WishState.CLOSED])
                  .select_related("organization").order_by("-fulfilled_at")[:10])
    if wishes:
        rows = [HistoryRow(date=timezone.localtime(w.fulfilled_at).date() if w.fulfilled_at else None,
                           text=_("Micro-wish: %(wish)s") % {"wish": w.short}, note=w.get_state_display(),
                           url=w.get_absolute_url() if (can(user, w.organization, Need.MANAGE)
                                                        or member.user_id == getattr(user, "pk", None)) else "")
                for w in wishes]
        sections.append(HistorySection(title=_("Micro-wishes fulfilled"), rows=rows, order=61))
    return sections
