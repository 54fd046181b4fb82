import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.audit.services import snapshot
from chuxin.core import rules as core_rules
from chuxin.core.access import Need, can, has_any
from chuxin.core.forms import add_service_errors
from chuxin.core.htmx import partial_name
from chuxin.core.links import id_url

from . import selectors, services
from .forms import DepartmentForm, MoveForm, OrganizationForm, PartnerUnitForm, PositionForm, RuleForm, WorkUnitForm
from .models import Organization, PartnerUnit, Position, WorkUnit


@login_required
@require_GET
def tree_view(request):
    roots = selectors.organization_roots(request.user)
    if not roots:
        raise PermissionDenied
    return render(request, "orgs/tree.html", {"nodes": _tree_nodes(roots), "can_admin": can_admin_any(request.user)})


def _tree_nodes(nodes) -> list[Organization]:
    """The nodes with their links and kind's label set once for all (a page holds up to a hundred: a reverse()
    and a label lookup per node cost more than the rest of the partial)."""
    detail, children = id_url("orgs:detail"), id_url("orgs:children")
    labels = {value: str(label) for value, label in Organization.Kind.choices}
    nodes = list(nodes)
    for node in nodes:
        node.detail_url, node.children_url = detail(node.pk), children(node.pk)
        node.kind_label = labels.get(node.kind, node.kind)
    return nodes


def can_admin_any(user) -> bool:

    return has_any(user, Need.ADMIN)


_PATH = re.compile(r"[0-9A-Za-z]{1,255}", re.ASCII)


@login_required
@require_GET
def children_view(request, pk: int):
    org = selectors.access_organization(request.user, pk, need=Need.READ)
    after = request.GET.get("after") or None
    if after is not None and not _PATH.fullmatch(after):
        after = None  # a malformed cursor gives the first page, never an error
    nodes, more_after = selectors.organization_children_page(request.user, org, after=after)
    template = "orgs/tree.html#more" if after else "orgs/tree.html#nodes"
    return render(request, template, {"nodes": _tree_nodes(nodes), "parent": org, "more_after": more_after})


_NEEDS = {"read": Need.READ, "manage": Need.MANAGE, "admin": Need.ADMIN}


@login_required
@require_GET
def pick_view(request):
    """The organization pickers' search (OrgChoiceField): <option>s of the organizations in the user's scope for
    ?need= (read, manage, admin) matching ?q=, deactivated ones too with ?inactive=1."""
    need = _NEEDS.get(request.GET.get("need", ""), Need.READ)
    if not has_any(request.user, need):
        raise PermissionDenied
    found, more = selectors.organization_search(
        request.user, need=need, term=request.GET.get("q", ""), active_only=request.GET.get("inactive") != "1"
    )
    return render(request, "orgs/pick_options.html", {"found": found, "more": more})


@login_required
@require_GET
def detail_view(request, pk: int):
    org = selectors.access_organization(request.user, pk, need=Need.READ)
    facts = selectors.organization_facts(org)  # once: the warnings and the facts panel share it
    context = {
        "org": org,
        "breadcrumbs": selectors.organization_breadcrumbs(org, request.user),
        "parent_readable": bool(org.parent) and can(request.user, org.parent, Need.READ),
        "unit_readable": bool(org.work_unit) and can(request.user, org.work_unit.organization, Need.READ),
        "warnings": selectors.organization_warnings(org, facts=facts),
        "children": selectors.organization_children(request.user, org),
        "positions": selectors.current_positions(org),
        "facts": facts,
        "can_admin": can(request.user, org, Need.ADMIN),
        "can_manage": can(request.user, org, Need.MANAGE),
        "can_read": True,  # the page itself needs READ: the Rules tab shows
    }
    return render(request, "orgs/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request):
    parent = None
    if request.GET.get("parent"):
        parent = selectors.access_organization(request.user, _int(request.GET["parent"]), need=Need.ADMIN)
    elif not request.user.is_superuser:
        raise PermissionDenied  # only a superuser starts a new tree
    form = OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in OrganizationForm.Meta.fields}
        try:
            org = services.organization_create(actor=request.user, parent=parent, token=form.token,
                                               **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organization has been created."))
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "parent": parent, "org": None})


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def edit_view(request, pk: int):
    org = selectors.access_organization(request.user, pk, need=Need.ADMIN)
    form = OrganizationForm(request.POST or None, instance=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in OrganizationForm.Meta.fields}
        try:
            # A fresh copy: the valid form has already written its values onto `org`, and the service compares
            # against the stored row (kind rules, the audit diff).
            services.organization_update(
                actor=request.user, organization=Organization.objects.get(pk=org.pk), **fields
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organization has been saved."))
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "parent": org.parent, "org": org})


@login_required
@require_http_methods(["GET", "POST"])
def move_view(request, pk: int):
    org = selectors.access_organization(request.user, pk, need=Need.ADMIN)
    form = MoveForm(request.POST or None, user=request.user, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_move(
                actor=request.user, organization=org, new_parent=form.cleaned_data["parent"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organization and everything under it have been moved."))
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/move.html", {"form": form, "org": org})


@login_required
@require_POST
def deactivate_view(request, pk: int):
    org = selectors.access_organization(request.user, pk, need=Need.ADMIN)
    try:
        if org.is_active:
            services.organization_deactivate(actor=request.user, organization=org)
            messages.success(request, _("The organization has been deactivated."))
        else:
            services.organization_reactivate(actor=request.user, organization=org)
            messages.success(request, _("The organization is active again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("orgs:detail", pk=org.pk)


@login_required
@require_GET
def committee_view(request, pk: int):
    org = selectors.access_organization(request.user, pk, need=Need.PUBLIC)
    context = {
        "org": org,
        "positions": selectors.current_positions(org),
        "past_positions": selectors.past_positions(org),
        "can_manage": can(request.user, org, Need.MANAGE),
        "can_read": can(request.user, org, Need.READ),
    }
    return render(request, "orgs/committee.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def position_create_view(request, pk: int):
    org = selectors.access_organization(request.user, pk, need=Need.MANAGE)
    form = PositionForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in PositionForm.Meta.fields}
        try:
            services.position_create(actor=request.user, organization=org, token=form.token,
                                     **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The position has been recorded."))
            return redirect("orgs:committee", pk=org.pk)
    return render(request, "orgs/position_form.html", {"form": form, "org": org, "position": None})


@login_required
@require_http_methods(["GET", "POST"])
def position_edit_view(request, pk: int):
    position = selectors.access_position(request.user, pk, need=Need.MANAGE)
    org = position.organization
    form = PositionForm(request.POST or None, instance=position, organization=org)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in PositionForm.Meta.fields}
        try:
            # A fresh copy, as in edit_view: the service's audit diff compares against the stored row.
            stored = Position.objects.select_related("organization", "member", "partner_unit").get(pk=position.pk)
            services.position_update(actor=request.user, position=stored, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The position has been saved."))
            return redirect("orgs:committee", pk=org.pk)
    return render(request, "orgs/position_form.html", {"form": form, "org": org, "position": position})


@login_required
@require_GET
def work_units_view(request):
    if not has_any(request.user, Need.READ):  # a list page: 403 to those who may read nothing
        raise PermissionDenied
    units = selectors.work_unit_list(request.user)
    return render(request, "orgs/work_units.html", {"units": units, "can_admin": can_admin_any(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def work_unit_form_view(request, pk: int | None = None):
    unit = selectors.access_work_unit(request.user, pk, need=Need.ADMIN) if pk else None
    if unit is None and not can_admin_any(request.user):
        raise PermissionDenied
    before = snapshot(unit, services.WORK_UNIT_FIELDS) if unit else None
    form = WorkUnitForm(request.POST or None, instance=unit or WorkUnit(), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.work_unit_save(actor=request.user, work_unit=form.instance, before=before,
                                           token=form.token)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The work unit has been saved."))
            return redirect("orgs:work-unit", pk=unit.pk)
    return render(request, "orgs/simple_form.html", {"form": form, "title": _("Work unit"), "back": "orgs:work-units"})


@login_required
@require_http_methods(["GET", "POST"])
def work_unit_detail_view(request, pk: int):
    unit = selectors.access_work_unit(request.user, pk, need=Need.READ)
    can_admin = can(request.user, unit.organization, Need.ADMIN)
    form = DepartmentForm(request.POST or None, work_unit=unit)
    if request.method == "POST":
        if not can_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.department_save(actor=request.user, department=form.instance, token=form.token)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The department has been added."))
                return redirect("orgs:work-unit", pk=unit.pk)
    context = {"unit": unit, "departments": selectors.department_list(unit), "form": form, "can_admin": can_admin}
    return render(request, partial_name(request, "orgs/work_unit_detail.html", "departments"), context)


@login_required
@require_http_methods(["GET", "POST"])
def department_edit_view(request, pk: int):
    department = selectors.access_department(request.user, pk, need=Need.ADMIN)
    before = snapshot(department, ["name", "sort_order"])
    form = DepartmentForm(request.POST or None, instance=department, work_unit=department.work_unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.department_save(actor=request.user, department=form.instance, before=before)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The department has been saved."))
            return redirect("orgs:work-unit", pk=department.work_unit_id)
    return render(
        request, "orgs/simple_form.html",
        {"form": form, "title": _("Department"), "back": "orgs:work-units", "object": department},
    )


@login_required
@require_GET
def partners_view(request):
    if not has_any(request.user, Need.READ):  # a list page: 403 to those who may read nothing
        raise PermissionDenied
    partners = selectors.partner_unit_list(request.user)
    return render(request, "orgs/partners.html", {"partners": partners, "can_admin": can_admin_any(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def partner_form_view(request, pk: int | None = None):
    partner = selectors.access_partner_unit(request.user, pk, need=Need.ADMIN) if pk else None
    if partner is None and not can_admin_any(request.user):
        raise PermissionDenied
    before = snapshot(partner, services.PARTNER_FIELDS) if partner else None
    form = PartnerUnitForm(request.POST or None, instance=partner or PartnerUnit(), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_unit_save(actor=request.user, partner=form.instance, before=before, token=form.token)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The partner unit has been saved."))
            return redirect("orgs:partners")
    return render(request, "orgs/simple_form.html", {"form": form, "title": _("Partner unit"), "back": "orgs:partners"})


# Rules and settings: every declared rule with its value here; a worker sets or clears the configurable ones.


@login_required
@require_GET
def rules_view(request, pk: int):
    org = selectors.access_organization(request.user, pk, need=Need.READ)
    return _rules_page(request, org)


def _rules_page(request, org: Organization, failed: RuleForm | None = None):
    breadcrumbs = selectors.organization_breadcrumbs(org, request.user)
    can_admin = can(request.user, org, Need.ADMIN)
    groups: dict[str, dict] = {}
    for row in selectors.organization_rules(org, breadcrumbs):
        mine = failed is not None and failed.rule.code == row.rule.code
        value = failed.data.get("value", "") if mine else row.rule.to_json(row.value)
        item = {
            "row": row,
            "value": ("true" if value else "false") if isinstance(value, bool) else value,
            "reason": failed.data.get("reason", "") if mine else (row.own.reason if row.own else ""),
            "errors": [e for errors in failed.errors.values() for e in errors] if mine else [],
            "editable": can_admin and row.rule.configurable,
        }
        groups.setdefault(str(row.rule.group), {"label": row.rule.group, "items": []})["items"].append(item)
    context = {
        "org": org, "breadcrumbs": breadcrumbs, "groups": list(groups.values()), "can_admin": can_admin,
        "can_read": True, "refusal": failed.errors if failed is not None and not failed.rule.configurable else None,
    }
    return render(request, "orgs/rules.html", context)


def _declared_rule(code: str) -> core_rules.Rule:
    try:
        return core_rules.get(code)
    except LookupError:
        raise Http404 from None  # a code nobody declared: the same answer as a missing organization


@login_required
@require_POST
def rule_set_view(request, pk: int, code: str):
    org = selectors.access_organization(request.user, pk, need=Need.ADMIN)
    form = RuleForm(request.POST, rule=_declared_rule(code))
    if form.is_valid():
        try:
            services.rule_set(actor=request.user, organization=org, code=code, value=form.cleaned_data["value"],
                              reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The rule has been set for this organization and everything under it."))
            return redirect(f"{reverse('orgs:rules', args=[org.pk])}#rule-{code}")
    return _rules_page(request, org, failed=form)


@login_required
@require_POST
def rule_clear_view(request, pk: int, code: str):
    org = selectors.access_organization(request.user, pk, need=Need.ADMIN)
    _declared_rule(code)
    try:
        if services.rule_clear(actor=request.user, organization=org, code=code):
            messages.success(request, _("This organization's own value has been cleared; the inherited one holds."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{reverse('orgs:rules', args=[org.pk])}#rule-{code}")
