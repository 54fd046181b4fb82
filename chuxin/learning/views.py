"""The library's pages: browse and search, read an item (the first opening is the read receipt), its media with
range requests, add and edit items, the article import with its review, required reading and who has read it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from chuxin.core.access import Need, can, has_any, scope_q
from chuxin.core.forms import add_service_errors
from chuxin.core.paging import capped_count
from chuxin.orgs.models import Organization
from chuxin.orgs.selectors import access_organization

from . import selectors, services
from .forms import ImportForm, ItemForm, PublishForm, ReadingForm, TaxonomyForm
from .media import ranged_response
from .models import Category, Item, Topic
from .restore import read_upload

PAGE_SIZE = 30
CHANGE_KINDS = {
    "spam": gettext_lazy("Spam line removed"), "footer": gettext_lazy("Footer removed"),
    "pinyin": gettext_lazy("Pinyin removed"), "gbk": gettext_lazy("Broken characters repaired"),
    "traditional": gettext_lazy("Converted to simplified characters"), "blank": gettext_lazy("Blank lines tidied"),
}


def _int(value) -> int | None:
    """An id from the query string, or None: anything else (words, a number no database column holds) filters nothing."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _managed(user):
    return Organization.objects.filter(scope_q(user, Need.MANAGE)).order_by("path")


def _org_from(request, need: Need = Need.MANAGE) -> Organization:
    """The organization named in ?organization= (checked), else the first the user manages."""
    raw = request.GET.get("organization")
    if raw:
        return access_organization(request.user, raw, need=need)
    org = _managed(request.user).first()
    if org is None:
        raise PermissionDenied
    return org


# ---------------------------------------------------------------------------------------------------------------
# Library


@login_required
@require_GET
def library_view(request):
    if not has_any(request.user, Need.PUBLIC):
        raise PermissionDenied
    text = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    category, topic = _int(request.GET.get("category")), _int(request.GET.get("topic"))
    tag = request.GET.get("tag", "").strip()[:30]
    items = selectors.item_list(request.user, text=text, kind=kind, category=category, topic=topic, tag=tag)
    # Paged by id ("older" after the last one shown) and counted to a cap: a common word in a large library
    # matches tens of thousands of items, which neither OFFSET nor an exact count reads cheaply.
    before = _int(request.GET.get("before"))
    rows = list((items.filter(pk__lt=before) if before else items)[: PAGE_SIZE + 1])
    count, exact = capped_count(items)
    query = request.GET.copy()
    query.pop("before", None)
    visible = selectors.visible_q(request.user)
    member = selectors.own_member(request.user)
    return render(request, "learning/library.html", {
        "items": rows[:PAGE_SIZE], "older": rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None,
        "count": count, "count_exact": exact, "query": query.urlencode(), "paged": bool(before), "q": text, "kind": kind, "kinds": Item.Kind.choices, "tag": tag,
        "category": category, "topic": topic,
        "categories": Category.objects.filter(visible).order_by("name")[:50],
        "topics": Topic.objects.filter(visible).order_by("name")[:50],
        "can_add": has_any(request.user, Need.MANAGE),
        "unread": selectors.unread_of_member(member),
        "follows": has_any(request.user, Need.READ),
    })


@login_required
@require_GET
def item_view(request, pk: int):
    item = selectors.access_item(request.user, pk)
    member = selectors.own_member(request.user)
    services.item_open(member=member, item=item)
    return render(request, "learning/item.html", {
        "item": item, "tags": list(item.tags.all()), "can_edit": can(request.user, item.organization, Need.MANAGE),
        "details": item.details or {}, "can_require": has_any(request.user, Need.MANAGE),
    })


@login_required
@require_GET
@xframe_options_sameorigin
def media_view(request, pk: int):
    item = selectors.access_item(request.user, pk)
    if not item.file:
        raise Http404
    response = ranged_response(request, item.file, item.file_name)
    # Shown inside the item's page (the browser's PDF viewer, the players); the house's default forbids frames.
    response["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'self'"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def item_create_view(request):
    organization = _org_from(request)
    kind = request.GET.get("kind", Item.Kind.ARTICLE)
    if kind not in Item.Kind.values:
        kind = Item.Kind.ARTICLE
    form = ItemForm(request.POST or None, request.FILES or None, organization=organization, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_create(
                actor=request.user, organization=organization, kind=kind, title=data["title"],
                summary=data["summary"], body=data["body"], authors=data["authors"], source=data["source"],
                published_on=data["published_on"], category=data["category"], topic=data["topic"],
                tags=data["tags"], upload=data.get("file"), token=form.token)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Published in the library."))
            return redirect(item)
    return render(request, "learning/item_form.html", {
        "form": form, "organization": organization, "kind": kind, "kinds": Item.Kind.choices,
        "managed": _managed(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def item_edit_view(request, pk: int):
    item = selectors.access_item(request.user, pk, need=Need.MANAGE)
    initial = {"title": item.title, "summary": item.summary, "body": item.body, "authors": item.authors,
               "source": item.source, "published_on": item.published_on, "category": item.category_id,
               "topic": item.topic_id, "tags": ", ".join(t.name for t in item.tags.all())}
    form = ItemForm(request.POST or None, initial=initial, organization=item.organization, kind=item.kind,
                    editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.item_update(actor=request.user, item=item, title=data["title"], summary=data["summary"],
                                 body=data["body"], authors=data["authors"], source=data["source"],
                                 published_on=data["published_on"], category=data["category"],
                                 topic=data["topic"], tags=data["tags"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(item)
    return render(request, "learning/item_form.html", {"form": form, "item": item, "organization": item.organization,
                                                        "kind": item.kind})


@login_required
@require_http_methods(["GET", "POST"])
def taxonomy_view(request):
    organization = _org_from(request)
    form = TaxonomyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["what"] == "topic":
                services.topic_create(actor=request.user, organization=organization, name=data["name"],
                                      description=data["description"])
            else:
                services.category_create(actor=request.user, organization=organization, name=data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added."))
            return redirect(f"{reverse('learning:taxonomy')}?organization={organization.pk}")
    paths = [organization.path]
    return render(request, "learning/taxonomy.html", {
        "form": form, "organization": organization, "managed": _managed(request.user),
        "categories": Category.objects.filter(organization_path__in=paths),
        "topics": Topic.objects.filter(organization_path__in=paths)})


# ---------------------------------------------------------------------------------------------------------------
# Import


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    organization = _org_from(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("upload")
        try:
            if upload is not None:
                text, name = read_upload(upload.read(), upload.name), upload.name
            else:
                text, name = form.cleaned_data["text"], ""
            draft = services.import_draft_create(actor=request.user, organization=organization, text=text,
                                                 source_name=name)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(draft)
    return render(request, "learning/import.html", {
        "form": form, "organization": organization, "managed": _managed(request.user),
        "drafts": selectors.drafts_of(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def import_review_view(request, pk: int):
    draft = selectors.access_draft(request.user, pk)
    if draft.item_id:
        return redirect(draft.item)
    form = PublishForm(request.POST or None, organization=draft.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.import_publish(
                actor=request.user, draft=draft, category=data["category"], topic=data["topic"], tags=data["tags"],
                reading_organizations=data["organizations"], due_on=data["due_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Published in the library."))
            return redirect(item)
    changes = [{**c, "label": CHANGE_KINDS.get(c["kind"], c["kind"])} for c in draft.changes]
    return render(request, "learning/import_review.html", {
        "draft": draft, "article": draft.article, "changes": changes, "form": form})


# ---------------------------------------------------------------------------------------------------------------
# Required reading


@login_required
@require_http_methods(["GET", "POST"])
def reading_create_view(request, pk: int):
    item = selectors.access_item(request.user, pk)
    managed = _managed(request.user)
    if not managed.exists():
        raise PermissionDenied
    chosen = None
    raw = request.GET.get("organization")
    if raw:
        chosen = access_organization(request.user, raw, need=Need.MANAGE)
    form = ReadingForm(request.POST or None, managed=managed, organization=chosen)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reading = services.reading_create(
                actor=request.user, item=item, organization=data["organization"], due_on=data["due_on"],
                organizations=data["organizations"], members=data["members"], note=data["note"], token=form.token)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Required reading sent."))
            return redirect(reading)
    return render(request, "learning/reading_form.html", {"form": form, "item": item})


@login_required
@require_GET
def readings_view(request):
    if not has_any(request.user, Need.PUBLIC):
        raise PermissionDenied
    member = selectors.own_member(request.user)
    mine = list(selectors.readings_of_member(member)[:100])
    opened = set(member and selectors.Receipt.objects.filter(member=member).values_list("item_id", flat=True) or [])
    followed = selectors.readings_for_manager(request.user)[:100]
    return render(request, "learning/readings.html", {"mine": mine, "opened": opened, "followed": followed})


@login_required
@require_GET
def reading_view(request, pk: int):
    reading = selectors.access_reading(request.user, pk)
    rows = selectors.reading_status(reading, request.user)
    unread = [r for r in rows if r.opened_at is None]
    read = [r for r in rows if r.opened_at is not None]
    return render(request, "learning/reading.html", {
        "reading": reading, "unread": unread, "read": read, "total": len(rows),
        "organizations": list(reading.organizations.all())})
