
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.access import Need, can, has_any
from chuxin.core.attachments import download_response
from chuxin.core.forms import add_service_errors, run_service
from chuxin.core.htmx import partial_name
from chuxin.orgs.selectors import access_organization

from . import exporting, selectors, services
from .access import ASSIGNEE, TASK_OWNER, can_confirm, records_progress
from .forms import (
    AreaFormSet,
    MilestoneForm,
    PlanForm,
    PlanItemForm,
    PlanOrgForm,
    ProgressForm,
    TaskForm,
    member_label,
)
from .models import Milestone, ProgressUpdate, Task
from .states import TASKS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value) -> int | None:
    """A positive whole number from a query parameter, or None (a negative or 30-digit "id" is no id)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


@login_required
@require_GET
def list_view(request):
    if not has_any(request.user, Need.READ):  # a list page: 403 to those who may read nothing
        raise PermissionDenied
    new_for = _int(request.GET.get("organization"))
    if new_for:  # the "write a plan for" picker, which works without JavaScript
        return redirect("plans:create", pk=new_for)
    year = _int(request.GET.get("year"))
    context = {
        "plans": selectors.plan_list(request.user, year=year),
        "years": selectors.plan_years(request.user),
        "year": year,
        "org_form": PlanOrgForm(user=request.user) if has_any(request.user, Need.MANAGE) else None,
    }
    return render(request, "plans/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request, pk: int):
    org = access_organization(request.user, pk, need=Need.MANAGE)
    form = PlanForm(request.POST or None, organization=org,
                    initial={"year": timezone.localdate().year, "owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, organization=org, token=form.token,
                                        **{f: form.cleaned_data[f] for f in PlanForm.Meta.fields})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan has been created; add its items next."))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "org": org, "title": _("New annual plan")})


@login_required
@require_http_methods(["GET", "POST"])
def edit_view(request, pk: int):
    plan = selectors.access_plan(request.user, pk, need=Need.MANAGE)
    form = PlanForm(request.POST or None, instance=plan, organization=plan.organization)
    if request.method == "POST" and form.is_valid():
        try:
            stored = selectors.access_plan(request.user, pk, need=Need.MANAGE)  # the service diffs the stored row
            services.plan_update(actor=request.user, plan=stored,
                                 **{f: form.cleaned_data[f] for f in PlanForm.Meta.fields})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan has been saved."))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "org": plan.organization, "plan": plan,
                                               "title": _("Edit the plan")})


@login_required
@require_GET
def detail_view(request, pk: int):
    plan = selectors.access_plan(request.user, pk, need=Need.READ)
    groups = selectors.plan_table(plan)
    can_manage = can(request.user, plan.organization, Need.MANAGE)
    selectors.plan_next_steps(groups, request.user, can_confirm=can_manage or plan.owner_id == request.user.pk)
    context = {"plan": plan, "groups": groups, "counts": selectors.plan_counts(groups), "can_manage": can_manage}
    return render(request, "plans/detail.html", context)


@login_required
@require_POST
def publish_view(request, pk: int):
    plan = selectors.access_plan(request.user, pk, need=Need.MANAGE)
    services.plan_publish(actor=request.user, plan=plan)
    messages.success(request, _("The plan is published; its people have been told of their tasks."))
    return redirect("plans:detail", pk=plan.pk)


@login_required
@require_GET
def export_view(request, pk: int):
    plan = selectors.access_plan(request.user, pk, need=Need.READ)
    content = exporting.export_plan(plan, selectors.plan_table(plan))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.organization.code}-{plan.year}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def areas_view(request, pk: int):
    org = access_organization(request.user, pk, need=Need.MANAGE)
    if request.method == "POST" and "defaults" in request.POST:  # opening the page writes nothing; this button does
        services.areas_add_defaults(actor=request.user, organization=org)
        messages.success(request, _("The standard areas have been added."))
        return redirect("plans:areas", pk=org.pk)
    areas = selectors.area_list(org)
    formset = AreaFormSet(request.POST or None, queryset=areas)
    if request.method == "POST" and formset.is_valid():
        rows = [(f.instance if f.instance.pk else None, f.cleaned_data.get("name", ""))
                for f in formset.forms if f.instance.pk or f.has_changed()]
        try:
            services.areas_save(actor=request.user, organization=org, rows=rows)
            moved = _area_move(request, org, areas)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The order has been changed.") if moved else _("The areas have been saved."))
            return redirect("plans:areas", pk=org.pk)
    return render(request, "plans/areas.html", {"formset": formset, "org": org, "has_areas": formset.initial_form_count() > 0})


def _area_move(request, org, areas) -> bool:
    """The up and down buttons of the areas page (name="move", value "<area id>:up" or ":down"): one area of
    this organization one place along, the names typed meanwhile saved first."""
    area_id, _sep, direction = request.POST.get("move", "").partition(":")
    area = next((a for a in areas if str(a.pk) == area_id), None)
    if area is None or direction not in ("up", "down"):
        return False
    return services.area_move(actor=request.user, area=area, up=direction == "up")


@login_required
@require_http_methods(["GET", "POST"])
def item_create_view(request, pk: int):
    plan = selectors.access_plan(request.user, pk, need=Need.MANAGE)
    form = PlanItemForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.plan_item_create(actor=request.user, plan=plan, token=form.token,
                                             **{f: form.cleaned_data[f] for f in PlanItemForm.Meta.fields})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The item has been added; decompose it into tasks."))
            return redirect(f"{plan_url(plan)}#item-{item.pk}")
    return render(request, "plans/form.html", {"form": form, "plan": plan, "org": plan.organization,
                                               "title": _("New plan item")})


def plan_url(plan) -> str:
    from django.urls import reverse

    return reverse("plans:detail", args=[plan.pk])


@login_required
@require_http_methods(["GET", "POST"])
def item_edit_view(request, pk: int):
    item = selectors.access_plan_item(request.user, pk, need=Need.MANAGE)
    form = PlanItemForm(request.POST or None, instance=item, plan=item.plan)
    if request.method == "POST" and form.is_valid():
        try:
            stored = selectors.access_plan_item(request.user, pk, need=Need.MANAGE)
            services.plan_item_update(actor=request.user, item=stored,
                                      **{f: form.cleaned_data[f] for f in PlanItemForm.Meta.fields})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The item has been saved."))
            return redirect(f"{plan_url(item.plan)}#item-{item.pk}")
    return render(request, "plans/form.html", {"form": form, "plan": item.plan, "org": item.plan.organization,
                                               "title": _("Edit the plan item")})


@login_required
@require_POST
def item_delete_view(request, pk: int):
    item = selectors.access_plan_item(request.user, pk, need=Need.MANAGE)
    if not run_service(request, lambda: services.plan_item_delete(actor=request.user, item=item),
                       success=_("The item “%(title)s” has been deleted.") % {"title": item.title}):
        return redirect(f"{plan_url(item.plan)}#item-{item.pk}")
    return redirect("plans:detail", pk=item.plan_id)


@login_required
@require_GET
def people_view(request, pk: int):
    """The people picker's search (chuxin.js): members of the organization's subtree whose name, pinyin or
    initials match `q`, at most selectors.PEOPLE_SEARCH_MAX, for those who assign its plan's tasks."""
    org = access_organization(request.user, pk, need=Need.MANAGE)
    found, more = selectors.people_search(org, request.GET.get("q", "")[:50])
    return JsonResponse({"results": [{"id": m.pk, "label": member_label(m)} for m in found], "more": more})


def _people(data) -> dict:
    return {"lead": data.get("lead"), "responsible": data.get("responsible"),
            "cooperating": list(data.get("cooperating") or [])}


@login_required
@require_http_methods(["GET", "POST"])
def task_create_view(request, pk: int):
    item = selectors.access_plan_item(request.user, pk, need=Need.MANAGE)
    org = item.plan.organization
    form = TaskForm(request.POST or None, organization=org, year=item.plan.year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_create(
                actor=request.user, plan_item=item, token=form.token,
                **{f: data[f] for f in TaskForm.Meta.fields}, **_people(data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The task has been created."))
            _warn_outside_year(request, task, item.plan)
            return redirect(f"{plan_url(item.plan)}#task-{task.pk}")
    return render(request, "plans/task_form.html", {"form": form, "item": item, "plan": item.plan, "task": None})


@login_required
@require_http_methods(["GET", "POST"])
def task_edit_view(request, pk: int):
    task = selectors.access_task(request.user, pk, need=Need.MANAGE)
    selectors.task_with_people(task)
    initial = {"lead": task.lead, "responsible": task.responsible, "cooperating": task.cooperating}
    plan = task.plan_item.plan
    form = TaskForm(request.POST or None, instance=task, initial=initial, organization=plan.organization,
                    year=plan.year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.task_update(
                actor=request.user, task=task, expected_version=data.get("version") or 0,
                **{f: data[f] for f in TaskForm.Meta.fields}, **_people(data),
            )
        except services.StaleTask as stale:
            form = _rebound(TaskForm, request, stale.latest, instance=stale.latest, initial=initial,
                            organization=plan.organization, year=plan.year)
            form.add_error(None, stale.messages[0])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The task has been saved."))
            _warn_outside_year(request, saved, plan)
            return redirect("plans:task", pk=task.pk)
    return render(request, "plans/task_form.html",
                  {"form": form, "item": task.plan_item, "plan": task.plan_item.plan, "task": task})


@login_required
@require_POST
def task_delete_view(request, pk: int):
    task = selectors.access_task(request.user, pk, need=Need.MANAGE)
    if not run_service(request, lambda: services.task_delete(actor=request.user, task=task),
                       success=_("The task “%(title)s” has been deleted.") % {"title": task.title}):
        return redirect("plans:task", pk=task.pk)
    return redirect(f"{plan_url(task.plan_item.plan)}#item-{task.plan_item_id}")


def _warn_outside_year(request, task: Task, plan) -> None:
    """Saved all the same: a date outside the plan's year may be meant (a task carried over), or a slip."""
    outside = [(label, day) for label, day in ((_("start date"), task.start_on), (_("due date"), task.due_on))
               if day.year != plan.year]
    if outside:
        messages.warning(request, _("Check the dates: %(dates)s outside the plan's year %(year)s.") % {
            "dates": pgettext("list separator", ", ").join(f"{label} {day:%Y-%m-%d}" for label, day in outside),
            "year": plan.year})


def _rebound(form_class, request, latest: Task, **kwargs):
    """The user's own input again, carrying the latest version, so a second submit goes through knowingly."""
    data = request.POST.copy()
    data["version"] = str(latest.version)
    form = form_class(data, request.FILES or None, **kwargs)
    form.is_valid()
    return form


def _task_context(request, task: Task, progress_form=None) -> dict:
    selectors.task_with_people(task)
    is_assignee = any(a.member.user_id == request.user.pk for a in task.assignment_list)
    can_manage = can(request.user, task.plan_item.plan.organization, Need.MANAGE)
    # People without a login: their secretary (a manager here) or the plan's owner records progress for them.
    on_behalf = not is_assignee and bool(task.without_login) and can_confirm(request.user, task)
    if progress_form is None and (is_assignee or on_behalf) and not task.is_done:
        progress_form = ProgressForm(initial={"progress": task.progress, "version": task.version})
    return {
        "task": task, "plan": task.plan_item.plan, "history": selectors.task_history(task),
        "milestones": task.milestones.all(), "is_assignee": is_assignee, "can_manage": can_manage,
        "on_behalf": on_behalf,
        "can_read": can(request.user, task.plan_item.plan.organization, Need.READ),
        "can_confirm": can_confirm(request.user, task), "progress_form": progress_form,
        "steps": TASKS.allowed(task.status),
        # A task made by mistake can be deleted by a manager while nothing has been done on it.
        "can_delete": can_manage and not services.task_delete_refusal(task),
        "milestone_form": MilestoneForm() if can_manage else None,
        # The directive's page belongs to the receiving organization: linked only for those who may read it there.
        "can_see_origin": task.origin_organization is not None
        and can(request.user, task.origin_organization, Need.READ),
    }


@login_required
@require_GET
def task_detail_view(request, pk: int):
    task = selectors.access_task(request.user, pk, need=Need.READ, relations=[ASSIGNEE, TASK_OWNER])
    return render(request, "plans/task.html", _task_context(request, task))


@login_required
@require_POST
def progress_view(request, pk: int):
    task = selectors.access_task(request.user, pk, need=Need.PUBLIC, relations=[ASSIGNEE, TASK_OWNER])
    if not records_progress(request.user, task):
        raise PermissionDenied
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_update(
                actor=request.user, task=task, progress=data["progress"], note=data["note"],
                attachment=data.get("attachment"), expected_version=data["version"], token=form.token,
            )
        except services.StaleTask as stale:
            task = stale.latest
            form = _rebound(ProgressForm, request, stale.latest)
            form.add_error(None, stale.messages[0])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("Your progress has been recorded."))
                return redirect("plans:task", pk=task.pk)
            task.refresh_from_db()
            form = None
    task = selectors.access_task(request.user, task.pk, need=Need.PUBLIC, relations=[ASSIGNEE, TASK_OWNER])  # fresh
    # After the swap, the part says it was saved (a status a screen reader reads out), as the redirect's message
    # does without htmx.
    context = _task_context(request, task, progress_form=form) | {"saved": form is None}
    return render(request, partial_name(request, "plans/task.html", "progress"), context)


@login_required
@require_POST
def confirm_view(request, pk: int):
    task = selectors.access_task(request.user, pk, need=Need.PUBLIC, relations=[ASSIGNEE, TASK_OWNER])
    if not can_confirm(request.user, task):
        raise PermissionDenied
    if task.status != Task.Status.SUBMITTED:
        messages.error(request, _("Only a task submitted for confirmation can be confirmed."))
    else:
        services.task_confirm_complete(actor=request.user, task=task)
        messages.success(request, _("The task is confirmed complete."))
    return redirect("plans:task", pk=task.pk)


@login_required
@require_POST
def reopen_view(request, pk: int):
    task = selectors.access_task(request.user, pk, need=Need.PUBLIC, relations=[ASSIGNEE, TASK_OWNER])
    if not can_confirm(request.user, task):
        raise PermissionDenied
    services.task_reopen(actor=request.user, task=task)
    messages.success(request, _("The task is open again."))
    return redirect("plans:task", pk=task.pk)


@login_required
@require_POST
def milestone_create_view(request, pk: int):
    task = selectors.access_task(request.user, pk, need=Need.MANAGE)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_create(actor=request.user, task=task, title=form.cleaned_data["title"],
                                      due_on=form.cleaned_data["due_on"], token=form.token)
        except ValidationError as error:
            add_service_errors(form, error)
    if form.errors:
        return render(request, "plans/task.html", {**_task_context(request, task), "milestone_form": form})
    messages.success(request, _("The milestone has been added."))
    return redirect("plans:task", pk=task.pk)


@login_required
@require_POST
def milestone_toggle_view(request, pk: int):
    milestone = Milestone.objects.filter(pk=pk).only("id", "task_id").first()
    if milestone is None:
        raise Http404
    task = selectors.access_task(request.user, milestone.task_id, need=Need.MANAGE,
                                 relations=[ASSIGNEE.granting(Need.MANAGE)])  # assignees tick their milestones
    services.milestone_toggle(actor=request.user, milestone=task.milestones.get(pk=pk))
    return redirect("plans:task", pk=task.pk)


@login_required
@require_GET
def attachment_view(request, pk: int):
    update = ProgressUpdate.objects.filter(pk=pk).exclude(attachment="").only("id", "task_id", "attachment").first()
    if update is None:
        raise Http404
    selectors.access_task(request.user, update.task_id, need=Need.READ, relations=[ASSIGNEE, TASK_OWNER])
    return download_response(update.attachment, update.attachment_name)
