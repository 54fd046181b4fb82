from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.access import Need, can
from chuxin.core.forms import add_service_errors
from chuxin.core.htmx import partial_name
from chuxin.orgs.selectors import access_organization, organization_roots

from . import exporting, selectors, services
from .forms import MarkDoneForm, OverviewFilterForm, TemplateItemForm
from .models import PostKind, TemplateItem

PAGE_SIZE = 50


def _can_mark(user, rlist) -> bool:
    return rlist.is_held_by(user) or can(user, rlist.organization, Need.MANAGE)


@login_required
@require_GET
def mine_view(request):
    year = timezone.localdate().year
    lists = selectors.my_lists(request.user, year=year)
    return render(request, "responsibilities/mine.html", {"lists": lists, "year": year})


@login_required
@require_GET
def list_view(request, pk: int):
    rlist = selectors.access_list(request.user, pk, need=Need.READ)
    context = {
        "rlist": rlist, "items": selectors.list_items(rlist), "can_mark": _can_mark(request.user, rlist),
        "form": MarkDoneForm(),
    }
    return render(request, "responsibilities/list.html", context)


def _item_answer(request, item, form=None, *, announce: str = ""):
    if request.htmx:
        # What changed is read out in the page's live region (chuxin.js), and focus moves to the item.
        context = {"item": item, "rlist": item.list, "can_mark": True, "form": form or MarkDoneForm(),
                   "announce": announce}
        return render(request, "responsibilities/list.html#item", context)
    return redirect("responsibilities:list", pk=item.list_id)


@login_required
@require_POST
def item_mark_view(request, pk: int):
    item = selectors.access_list_item(request.user, pk, need=Need.MANAGE)
    form = MarkDoneForm(request.POST)
    if form.is_valid():
        try:
            item = services.list_item_mark_done(
                actor=request.user, item=item, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            messages.error(request, " ".join(error.messages))
    done = not form.errors and item.is_done
    return _item_answer(request, item, form if form.errors else None,
                        announce=_("The duty is marked done.") if done else "")


@login_required
@require_POST
def item_undo_view(request, pk: int):
    item = selectors.access_list_item(request.user, pk, need=Need.MANAGE)
    try:
        item = services.list_item_undo(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _item_answer(request, item)
    return _item_answer(request, item, announce=_("The duty is open again."))


@login_required
@require_GET
def overview_start_view(request):
    """The overview of the topmost organization the user may read."""
    root = organization_roots(request.user).first()
    if root is None:
        raise PermissionDenied
    return _overview(request, root)


@login_required
@require_GET
def overview_view(request, pk: int):
    return _overview(request, access_organization(request.user, pk, need=Need.READ))


def _overview(request, org):
    form = OverviewFilterForm(request.GET or None)
    year, post_kind = form.year_or_current(), form.post_kind()
    page = Paginator(selectors.overview(org, year=year, post_kind=post_kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "org": org, "form": form, "year": year, "page_obj": page, "lists": page.object_list,
        "querystring_base": f"year={year}&post={post_kind}&",
        "can_manage": can(request.user, org, Need.MANAGE),
    }
    return render(request, partial_name(request, "responsibilities/overview.html", "table"), context)


@login_required
@require_GET
def overview_export_view(request, pk: int):
    """The overview as .xlsx, with the page's filter and access (read on the organization). Audited: it names
    the people holding the posts."""
    org = access_organization(request.user, pk, need=Need.READ)
    form = OverviewFilterForm(request.GET or None)
    year = form.year_or_current()
    content = exporting.export_overview(actor=request.user, organization=org, year=year, post_kind=form.post_kind())
    response = HttpResponse(content, content_type=exporting.XLSX)
    response["Content-Disposition"] = f'attachment; filename="responsibilities-{org.code}-{year}.xlsx"'
    return response


@login_required
@require_GET
def templates_view(request, pk: int):
    org = access_organization(request.user, pk, need=Need.MANAGE)
    applying = [(kind, PostKind(kind).label, t) for kind, t in selectors.templates_applying(org)]
    context = {
        "org": org, "applying": applying,
        "all_own": all(t is not None and t.organization_id == org.pk for _kind, _label, t in applying),
    }
    return render(request, "responsibilities/templates.html", context)


@login_required
@require_POST
def templates_adopt_view(request, pk: int):
    org = access_organization(request.user, pk, need=Need.MANAGE)
    made = services.templates_adopt(actor=request.user, organization=org)
    if made:
        messages.success(request, _("This organization now has templates of its own to edit."))
    return redirect("responsibilities:templates", pk=org.pk)


@login_required
@require_http_methods(["GET", "POST"])
def template_item_create_view(request, pk: int):
    template = selectors.access_template(request.user, pk, need=Need.MANAGE)
    return _template_item_form(request, template, TemplateItem(template=template), before=None)


@login_required
@require_http_methods(["GET", "POST"])
def template_item_edit_view(request, pk: int):
    item = selectors.access_template_item(request.user, pk, need=Need.MANAGE)
    return _template_item_form(request, item.template, item, before=services.template_item_snapshot(item))


def _template_item_form(request, template, item, *, before):
    form = TemplateItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_item_save(actor=request.user, item=form.instance, before=before, token=form.token)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The duty has been saved. Lists made from now on include it."))
            return redirect("responsibilities:templates", pk=template.organization_id)
    context = {"form": form, "template": template, "org": template.organization, "item": item}
    return render(request, "responsibilities/template_item_form.html", context)


@login_required
@require_POST
def template_item_delete_view(request, pk: int):
    item = selectors.access_template_item(request.user, pk, need=Need.MANAGE)
    org_pk = item.template.organization_id
    services.template_item_delete(actor=request.user, item=item)
    messages.success(request, _("The duty has been removed from the template; existing lists keep it."))
    return redirect("responsibilities:templates", pk=org_pk)
