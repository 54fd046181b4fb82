"""Recruitment pages: the list and a committee's overview, a new application, a person's timeline, a step, a stop,
the holiday calendar. Thin: access, form, service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chuxin.core import rules as core_rules
from chuxin.core.access import Need, can, has_any, rank_on
from chuxin.core.attachments import attachment_response
from chuxin.core.forms import add_service_errors
from chuxin.meetings.models import Meeting
from chuxin.orgs.selectors import access_organization, organization_choices

from . import selectors, services
from .apps import NOTICE
from .forms import ApplicantForm, HolidayForm, StepForm, StopForm
from .models import Holiday, Stage, StepAttachment


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
@require_GET
def list_view(request):
    """Where the user reads: the overview of the chosen (or highest) organization and its people; a person
    without standing sees their own record."""
    user = request.user
    org = None
    if request.GET.get("organization"):
        org = access_organization(user, _int(request.GET["organization"]), need=Need.READ)
    elif has_any(user, Need.READ):
        org = organization_choices(user, need=Need.READ).order_by("depth", "path").first()
    if org is None:
        mine = selectors.my_record(user)
        if mine is not None:
            return redirect("recruitment:detail", pk=mine.pk)
        if not has_any(user, Need.PUBLIC):
            raise PermissionDenied
        return render(request, "recruitment/list.html", {"organization": None, "page": None})
    stage = request.GET.get("stage", "")
    stage = int(stage) if stage.isdigit() and int(stage) in Stage.values else None
    people = selectors.applicant_list(user, organization=org, stage=stage).order_by("next_due", "id")
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "recruitment/list.html", {
        "organization": org, "overview": selectors.overview(user, org), "page": page, "stage": stage,
        "may_manage": can(user, org, Need.MANAGE),
        "querystring_base": f"organization={org.pk}&" + (f"stage={stage}&" if stage else ""),
        "choices": organization_choices(user, need=Need.READ).order_by("path")})


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request):
    if request.GET.get("organization"):
        org = access_organization(request.user, _int(request.GET["organization"]), need=Need.MANAGE)
    else:
        if not has_any(request.user, Need.MANAGE):
            raise PermissionDenied
        choices = list(organization_choices(request.user, need=Need.MANAGE).order_by("path")[:201])
        if len(choices) != 1:
            return render(request, "recruitment/choose.html", {
                "choices": choices[:200],
                "pick": organization_choices(request.user, need=Need.MANAGE).order_by("path") if len(choices) > 200 else None})
        org = choices[0]
    form = ApplicantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            applicant = services.applicant_create(
                actor=request.user, organization=org, citizen_id_number=form.cleaned_data["citizen_id"],
                token=form.token, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The application is recorded. The talk is due within one month."))
            return redirect("recruitment:detail", pk=applicant.pk)
    return render(request, "recruitment/form.html", {"form": form, "organization": org})


@login_required
@require_GET
def detail_view(request, pk: int):
    applicant = selectors.access_applicant(request.user, pk)
    return render(request, "recruitment/detail.html", {
        "a": applicant, "t": selectors.timeline(applicant),
        "may_manage": can(request.user, applicant.organization, Need.MANAGE)})


@login_required
@require_http_methods(["GET", "POST"])
def step_view(request, pk: int, number: int):
    applicant = selectors.access_applicant(request.user, pk, need=Need.MANAGE)
    rule = next((r for r in selectors.step_rules(applicant) if r.number == number), None)
    if rule is None:
        raise Http404
    notice = core_rules.value(NOTICE, applicant.organization)
    form = StepForm(request.POST or None, request.FILES or None, rule=rule,
                    people=selectors.eligible_people(applicant), notice=notice,
                    meetings=Meeting.objects.filter(organization=applicant.organization).order_by("-planned_at"))
    if request.method == "POST" and form.is_valid():
        try:
            services.step_record(actor=request.user, applicant=applicant, number=number, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Step %(n)s is recorded.") % {"n": number})
            return redirect("recruitment:detail", pk=applicant.pk)
    return render(request, "recruitment/step.html", {"a": applicant, "rule": rule, "form": form,
                                                     "t": selectors.timeline(applicant)})


@login_required
@require_http_methods(["GET", "POST"])
def stop_view(request, pk: int):
    applicant = selectors.access_applicant(request.user, pk, need=Need.MANAGE)
    form = StopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.applicant_stop(actor=request.user, applicant=applicant, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The recruitment of this person is closed."))
            return redirect("recruitment:detail", pk=applicant.pk)
    return render(request, "recruitment/stop.html", {"a": applicant, "form": form})


@login_required
@require_GET
def attachment_view(request, pk: int):
    attachment = StepAttachment.objects.select_related("record").filter(pk=_int(pk)).first()
    if attachment is None:
        raise Http404
    selectors.access_applicant(request.user, attachment.record.applicant_id)
    return attachment_response(attachment)


@login_required
@require_http_methods(["GET", "POST"])
def holidays_view(request):
    """The holiday calendar the working-day limits count with: everyone who reads recruitment sees it; the
    house's administrators (standing on the whole tree) keep it."""
    if not has_any(request.user, Need.READ):
        raise PermissionDenied
    keeper = rank_on(request.user, "") >= Need.ADMIN
    if request.method == "POST" and not keeper:
        raise PermissionDenied
    form = HolidayForm(request.POST or None) if keeper else None
    if form is not None and request.method == "POST" and form.is_valid():
        services.holiday_set(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The calendar is saved."))
        return redirect("recruitment:holidays")
    return render(request, "recruitment/holidays.html", {"holidays": Holiday.objects.order_by("-day")[:200],
                                                         "form": form})
