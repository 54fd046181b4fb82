"""Campaigns: launch, stages, the progress matrix, each organization's checklist, the summary. Thin views: access,
form, service, render or redirect. Study plans and innovation projects are in study_views and project_views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.access import Need, can, has_any
from chuxin.core.forms import add_service_errors
from chuxin.orgs.models import Organization
from chuxin.orgs.selectors import access_organization

from . import grid as grid_html
from . import selectors, services
from .forms import CampaignForm, EndForm, StageForm, TickForm
from .models import Action, Campaign

MATRIX_PAGE = 200  # organizations a page of the matrix shows; the totals above count them all


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def choose(request, choices, *, title: str, param: str = "organization"):
    """The page asking which organization, when the user may act on several (or None when there is one)."""
    every, choices = choices, list(choices[:201])
    if len(choices) == 1:
        return choices[0], None
    return None, render(request, "campaigns/choose.html", {"choices": choices[:200], "title": title,
                                                             "param": param, "pick": every if len(choices) > 200 else None})


@login_required
@require_GET
def index_view(request):
    """The campaigns the user's committees launched, and the checklists of the organizations they stand on."""
    page = Paginator(selectors.campaign_list(request.user), 30).get_page(request.GET.get("page"))
    context = {"page_obj": page, "querystring_base": "",
               "checklists": list(selectors.my_checklists(request.user)[:50]),
               "can_launch": selectors.committees(request.user).exists()}
    return render(request, "campaigns/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request):
    if request.GET.get("organization"):
        org = access_organization(request.user, _int(request.GET["organization"]), need=Need.MANAGE)
    else:
        if not has_any(request.user, Need.MANAGE):
            raise PermissionDenied
        org, page = choose(request, selectors.committees(request.user), title=_("Launch a campaign"))
        if page is not None:
            return page
    form = CampaignForm(request.POST or None, organizations=Organization.objects.filter(
        pk__in=[o.pk for o in services.campaign_participants_default(org)]).order_by("path"))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "token"}
        try:
            campaign = services.campaign_launch(actor=request.user, organization=org, token=form.token, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The campaign has been launched; add its stages."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "organization": org})


def _detail(request, campaign: Campaign, *, stage_form=None, end_form=None, status: int = 200):
    grid = selectors.matrix(campaign)
    page = Paginator(grid.rows, MATRIX_PAGE).get_page(request.GET.get("page"))
    manage = can(request.user, campaign.organization, Need.MANAGE)
    context = {
        "campaign": campaign, "stages": selectors.stages_of(campaign), "matrix_stages": grid.stages,
        "table_rows": grid_html.table_rows(page.object_list), "cards": grid_html.cards(page.object_list),
        "page_obj": page, "querystring_base": "", "totals": grid.totals(), "can_manage": manage,
        "stage_form": stage_form or (StageForm() if manage and campaign.is_running else None),
        "end_form": end_form or (EndForm(initial={"summary": selectors.summary_text(campaign, grid)})
                                 if manage and campaign.is_running else None),
    }
    return render(request, "campaigns/detail.html", context, status=status)


@login_required
@require_GET
def detail_view(request, pk: int):
    """The committee's view: stages with their actions, the progress matrix organizations x stages."""
    return _detail(request, selectors.access_campaign(request.user, pk, need=Need.READ))


@login_required
@require_POST
def stage_add_view(request, pk: int):
    campaign = selectors.access_campaign(request.user, pk, need=Need.MANAGE)
    form = StageForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "token"}
        data["manual"] = data["manual"].splitlines()
        try:
            services.stage_add(actor=request.user, campaign=campaign, token=form.token, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The stage has been added."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return _detail(request, campaign, stage_form=form, status=400)


@login_required
@require_POST
def end_view(request, pk: int):
    campaign = selectors.access_campaign(request.user, pk, need=Need.MANAGE)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.campaign_end(actor=request.user, campaign=campaign, summary=form.cleaned_data["summary"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The campaign has ended; its summary is kept."))
            return redirect("campaigns:summary", pk=campaign.pk)
    return _detail(request, campaign, end_form=form, status=400)


@login_required
@require_GET
def summary_view(request, pk: int):
    """The summary report, printable: the text kept at the end (or the draft from the records) and the figures."""
    campaign = selectors.access_campaign(request.user, pk, need=Need.READ)
    grid = selectors.matrix(campaign)
    context = {"campaign": campaign, "totals": grid.totals(), "stages": grid.stages,
               "text": campaign.summary or selectors.summary_text(campaign, grid),
               "table_rows": grid_html.table_rows(grid.rows, link=False)}
    return render(request, "campaigns/summary.html", context)


def _checklist(request, participant, *, tick_form=None, status: int = 200):
    context = {"participant": participant, "campaign": participant.campaign,
               "stages": selectors.checklist(participant),
               "can_tick": can(request.user, participant.organization, Need.MANAGE)
               and participant.campaign.is_running,
               "can_read_campaign": can(request.user, participant.campaign.organization, Need.READ),
               "tick_form": tick_form}
    return render(request, "campaigns/checklist.html", context, status=status)


@login_required
@require_GET
def checklist_view(request, pk: int):
    """One organization's checklist: each stage's required actions, ticked by records or by hand."""
    return _checklist(request, selectors.access_participant(request.user, pk, need=Need.PUBLIC))


@login_required
@require_POST
def tick_view(request, pk: int):
    participant = selectors.access_participant(request.user, pk, need=Need.MANAGE)
    form = TickForm(request.POST)
    if form.is_valid():
        action = Action.objects.filter(pk=form.cleaned_data["action"],
                                       stage__campaign=participant.campaign_id).select_related("stage").first()
        if action is None:
            raise Http404
        try:
            services.action_tick(actor=request.user, participant=participant, action=action,
                                 note=form.cleaned_data["note"], done_on=form.cleaned_data["done_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action has been ticked."))
            return redirect("campaigns:checklist", pk=participant.pk)
    return _checklist(request, participant, tick_form=form, status=400)
