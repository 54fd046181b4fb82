"""Study plans (两学一做): the yearly plan, its topics per month with materials, the meetings that studied them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.access import Need, can, has_any
from chuxin.core.attachments import attachment_response
from chuxin.core.forms import add_service_errors
from chuxin.orgs.selectors import access_organization

from . import selectors, services
from .forms import LinkMeetingForm, PlanForm, TopicForm
from .views import _int, choose


@login_required
@require_GET
def plans_view(request):
    page = Paginator(selectors.plan_list(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "campaigns/plans.html", {
        "page_obj": page, "querystring_base": "", "can_create": has_any(request.user, Need.MANAGE)})


@login_required
@require_http_methods(["GET", "POST"])
def plan_create_view(request):
    if request.GET.get("organization"):
        org = access_organization(request.user, _int(request.GET["organization"]), need=Need.MANAGE)
    else:
        if not has_any(request.user, Need.MANAGE):
            raise PermissionDenied
        org, page = choose(request, selectors.plan_organizations(request.user), title=_("New study plan"))
        if page is not None:
            return page
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, organization=org, year=form.cleaned_data["year"],
                                        title=form.cleaned_data["title"], token=form.token)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The study plan has been made; add its topics month by month."))
            return redirect("campaigns:plan", pk=plan.pk)
    return render(request, "campaigns/plan_form.html", {"form": form, "organization": org})


def _plan(request, plan, *, topic_form=None, status: int = 200):
    manage = can(request.user, plan.organization, Need.MANAGE)
    return render(request, "campaigns/plan.html", {
        "plan": plan, "topics": selectors.plan_topics(plan), "can_manage": manage,
        "topic_form": topic_form or (TopicForm() if manage else None)}, status=status)


@login_required
@require_GET
def plan_view(request, pk: int):
    return _plan(request, selectors.access_plan(request.user, pk, need=Need.PUBLIC))


@login_required
@require_POST
def topic_add_view(request, pk: int):
    plan = selectors.access_plan(request.user, pk, need=Need.MANAGE)
    form = TopicForm(request.POST, request.FILES)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "token"}
        try:
            services.topic_add(actor=request.user, plan=plan, token=form.token, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The topic has been added."))
            return redirect("campaigns:plan", pk=plan.pk)
    return _plan(request, plan, topic_form=form, status=400)


def _topic(request, topic, *, link_form=None, status: int = 200):
    manage = can(request.user, topic.plan.organization, Need.MANAGE)
    return render(request, "campaigns/topic.html", {
        "topic": topic, "plan": topic.plan, "studied": selectors.topic_attendance(topic),
        "materials": list(topic.materials.all()), "can_manage": manage,
        "link_form": link_form or (LinkMeetingForm(meetings=services.meetings_to_link(topic))
                                   if manage else None)}, status=status)


@login_required
@require_GET
def topic_view(request, pk: int):
    """Where the topic was studied (which meetings) and who attended, from the meetings' attendance."""
    return _topic(request, selectors.access_topic(request.user, pk, need=Need.PUBLIC))


@login_required
@require_POST
def topic_link_view(request, pk: int):
    topic = selectors.access_topic(request.user, pk, need=Need.MANAGE)
    form = LinkMeetingForm(request.POST, meetings=services.meetings_to_link(topic))
    if form.is_valid():
        try:
            services.topic_link_meeting(actor=request.user, topic=topic, meeting=form.cleaned_data["meeting"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting has been linked to the topic."))
            return redirect("campaigns:topic", pk=topic.pk)
    return _topic(request, topic, link_form=form, status=400)


@login_required
@require_GET
def material_view(request, pk: int):
    return attachment_response(selectors.access_material(request.user, pk, need=Need.PUBLIC))
