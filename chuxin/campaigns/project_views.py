"""Innovation projects (双创): the committee's yearly call, proposals, reviews, decisions, milestones, progress,
the end; the portfolio by state."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.access import Need, can, has_any, holders
from chuxin.core.forms import add_service_errors, run_service
from chuxin.orgs.selectors import access_organization

from . import selectors, services
from .access import access_call, access_project, is_reviewer, on_team
from .forms import CallForm, CloseForm, DecideForm, MilestoneForm, ProposalForm, ReviewForm, UpdateForm
from .models import Milestone, Project
from .views import _int, choose


@login_required
@require_GET
def projects_view(request):
    """The portfolio by state, and the calls the user may propose to."""
    state = request.GET.get("state", "")
    state = state if state in Project.State.values else ""
    projects = selectors.project_list(request.user)
    page = Paginator(projects.filter(state=state) if state else projects, 30).get_page(request.GET.get("page"))
    return render(request, "campaigns/projects.html", {
        "page_obj": page, "querystring_base": f"state={state}&" if state else "", "state": state,
        "portfolio": selectors.portfolio(projects), "calls": list(selectors.call_list(request.user)[:20]),
        "can_open": selectors.committees(request.user).exists()})


def _reviewer_choices(org):
    return get_user_model().objects.filter(pk__in=holders(org, Need.READ, inherited=True).values("pk")).order_by(
        "username")


@login_required
@require_http_methods(["GET", "POST"])
def call_create_view(request):
    if request.GET.get("organization"):
        org = access_organization(request.user, _int(request.GET["organization"]), need=Need.MANAGE)
    else:
        if not has_any(request.user, Need.MANAGE):
            raise PermissionDenied
        org, page = choose(request, selectors.committees(request.user), title=_("Open a call for projects"))
        if page is not None:
            return page
    form = CallForm(request.POST or None, reviewers=_reviewer_choices(org))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "token"}
        try:
            call = services.call_open(actor=request.user, organization=org, token=form.token, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The call for projects is open."))
            return redirect("campaigns:call", pk=call.pk)
    return render(request, "campaigns/call_form.html", {"form": form, "organization": org})


@login_required
@require_GET
def call_view(request, pk: int):
    call = access_call(request.user, pk, need=Need.PUBLIC)
    me = services.my_member_file(request.user)
    return render(request, "campaigns/call.html", {
        "call": call, "projects": list(selectors.project_list(request.user, call=call)[:200]),
        "reviewers": list(call.reviewers.all()),
        "can_propose": me is not None and me.organization.path.startswith(call.organization_path)})


@login_required
@require_http_methods(["GET", "POST"])
def propose_view(request, pk: int):
    call = access_call(request.user, pk, need=Need.PUBLIC)
    me = services.my_member_file(request.user)
    if me is None or not me.organization.path.startswith(call.organization_path):
        raise PermissionDenied
    form = ProposalForm(request.POST or None, members=selectors.team_choices(call).exclude(pk=me.pk))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "token"}
        try:
            project = services.project_propose(actor=request.user, call=call, token=form.token, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your project has been submitted; the reviewers will score it."))
            return redirect("campaigns:project", pk=project.pk)
    return render(request, "campaigns/propose.html", {"form": form, "call": call, "me": me})


def _project(request, project, *, forms=None, status: int = 200):
    forms = forms or {}
    user = request.user
    committee = can(user, project.call.organization, Need.MANAGE)
    team = on_team(user, project) or can(user, project.organization, Need.MANAGE)
    reviews = selectors.project_reviews(project)
    S = Project.State
    reviewer = is_reviewer(user, project.call) and not on_team(user, project)
    may_review = reviewer and project.state == S.SUBMITTED and all(r.reviewer_id != user.pk for r in reviews)
    working = project.state in (S.APPROVED, S.RUNNING) and team
    context = {
        "project": project, "team": list(project.team.all()), "reviews": reviews,
        "show_reviews": committee or reviewer or can(user, project.organization, Need.READ),
        "milestones": list(project.milestones.all()), "updates": list(project.updates.select_related("author")),
        "review_form": forms.get("review") or (ReviewForm() if may_review else None),
        "decide_form": forms.get("decide") or (DecideForm() if committee and project.state == S.SUBMITTED
                                               else None),
        "reviews_missing": max(0, project.call.reviews_needed - len(reviews)),
        "can_start": team and project.state == S.APPROVED,
        "milestone_form": forms.get("milestone") or (MilestoneForm() if working else None),
        "update_form": forms.get("update") or (UpdateForm() if working else None),
        "can_work": working,
        "close_form": forms.get("close") or (CloseForm() if committee and project.state == S.RUNNING else None),
    }
    return render(request, "campaigns/project.html", context, status=status)


@login_required
@require_GET
def project_view(request, pk: int):
    return _project(request, access_project(request.user, pk, need=Need.PUBLIC))


def _form_post(request, pk: int, name: str, form_class, call, success: str, need: Need = Need.READ):
    project = access_project(request.user, pk, need=need)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(project, {k: v for k, v in form.cleaned_data.items() if k != "token"}, getattr(form, "token", ""))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("campaigns:project", pk=project.pk)
    return _project(request, project, forms={name: form}, status=400)


def _committee_only(request, pk: int) -> None:
    """Deciding and closing are the committee's (MANAGE on the call's organization), not the branch's."""
    project = access_project(request.user, pk, need=Need.READ)
    if not can(request.user, project.call.organization, Need.MANAGE):
        raise PermissionDenied


@login_required
@require_POST
def review_view(request, pk: int):
    project = access_project(request.user, pk, need=Need.READ)
    if not is_reviewer(request.user, project.call) or on_team(request.user, project):
        raise PermissionDenied  # only the reviewers the call names, never the project's own team
    return _form_post(request, pk, "review", ReviewForm, lambda p, d, t: services.project_review(
        actor=request.user, project=p, **d), _("Your review has been recorded."))


@login_required
@require_POST
def decide_view(request, pk: int):
    _committee_only(request, pk)
    approve = request.POST.get("decision") == "approve"
    return _form_post(request, pk, "decide", DecideForm, lambda p, d, t: services.project_decide(
        actor=request.user, project=p, approve=approve, **d),
        _("The project has been approved.") if approve else _("The project has been rejected."))


@login_required
@require_POST
def start_view(request, pk: int):
    project = access_project(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: services.project_start(actor=request.user, project=project),
                success=_("The project is running."))
    return redirect("campaigns:project", pk=project.pk)


@login_required
@require_POST
def milestone_add_view(request, pk: int):
    return _form_post(request, pk, "milestone", MilestoneForm, lambda p, d, t: services.milestone_add(
        actor=request.user, project=p, token=t, **d), _("The milestone has been added."), need=Need.MANAGE)


@login_required
@require_POST
def milestone_done_view(request, pk: int):
    milestone = Milestone.objects.filter(pk=_int(pk)).select_related("project").first()
    project = access_project(request.user, milestone.project_id if milestone else 0, need=Need.MANAGE)
    run_service(request, lambda: services.milestone_done(actor=request.user, milestone=milestone),
                success=_("The milestone is done."))
    return redirect("campaigns:project", pk=project.pk)


@login_required
@require_POST
def update_add_view(request, pk: int):
    return _form_post(request, pk, "update", UpdateForm, lambda p, d, t: services.update_add(
        actor=request.user, project=p, token=t, **d), _("The progress has been recorded."), need=Need.MANAGE)


@login_required
@require_POST
def close_view(request, pk: int):
    _committee_only(request, pk)
    delivered = request.POST.get("outcome") != "stopped"
    return _form_post(request, pk, "close", CloseForm, lambda p, d, t: services.project_close(
        actor=request.user, project=p, delivered=delivered, **d),
        _("The project has been delivered.") if delivered else _("The project has been stopped."))
