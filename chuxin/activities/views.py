"""Activity pages: lists, plan and edit, sign-up and the waiting list, check-in and check-out, hours, closing,
the participant list and its export. Thin: access, form, service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core.access import Need, can, has_any
from chuxin.core.forms import add_service_errors, run_service
from chuxin.core.htmx import partial_name
from chuxin.meetings import checkin as codes
from chuxin.orgs.selectors import access_organization

from . import exporting, selectors, services
from .forms import ActivityEditForm, ActivityForm, CheckinForm, ChooseOrganizationForm, HoursForm
from .models import Participant

PAGE_SIZE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
@require_GET
def list_view(request):
    if not has_any(request.user, Need.PUBLIC) and not selectors.reachable_paths(request.user):
        raise PermissionDenied
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    org = None
    if request.GET.get("organization"):
        org = access_organization(request.user, _int(request.GET["organization"]), need=Need.PUBLIC)
    page = Paginator(selectors.activity_list(request.user, when=when, organization=org), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"page_obj": page, "when": when, "organization": org,
               "can_create": has_any(request.user, Need.MANAGE)}
    return render(request, "activities/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request):
    if not request.GET.get("organization"):
        if not has_any(request.user, Need.MANAGE):
            raise PermissionDenied
        form = ChooseOrganizationForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            return redirect(reverse("activities:create") + f"?organization={form.cleaned_data['organization'].pk}")
        return render(request, "activities/choose.html", {"form": form})
    org = access_organization(request.user, _int(request.GET["organization"]), need=Need.MANAGE)
    form = ActivityForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "token"}
        try:
            activity = services.activity_create(actor=request.user, organization=org, token=form.token, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The activity is open for sign-up."))
            return redirect(activity.get_absolute_url())
    return render(request, "activities/form.html", {"form": form, "organization": org})


@login_required
@require_http_methods(["GET", "POST"])
def edit_view(request, pk: int):
    activity = selectors.access_activity(request.user, pk, need=Need.MANAGE)
    form = ActivityEditForm(request.POST or None, instance=activity, organization=activity.organization)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.activity_update(actor=request.user, activity=activity, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(activity.get_absolute_url())
    return render(request, "activities/form.html", {"form": form, "organization": activity.organization,
                                                    "activity": activity})


@login_required
@require_GET
def detail_view(request, pk: int):
    activity = selectors.access_activity(request.user, pk, need=Need.PUBLIC)
    mine = selectors.my_place(request.user, activity)
    context = {"activity": activity, "mine": mine, "counts": selectors.counts(activity),
               "partners": list(activity.partners.all()),
               "position": selectors.waiting_position(mine) if mine and mine.state == "waiting" else None,
               "may_manage": can(request.user, activity.organization, Need.MANAGE),
               "may_sign_up": selectors.member_of(request.user) is not None
               and selectors.member_of(request.user).organization.path.startswith(activity.organization_path)}
    return render(request, "activities/detail.html", context)


@login_required
@require_POST
def signup_view(request, pk: int):
    activity = selectors.access_activity(request.user, pk, need=Need.PUBLIC)
    try:
        row = services.participant_signup(actor=request.user, activity=activity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if row.state == Participant.State.SIGNED_UP:
            messages.success(request, _("You are signed up."))
        else:
            messages.info(request, _("The activity is full: you are on the waiting list. If a place is set free, "
                                     "you move up and are told."))
    return redirect(activity.get_absolute_url())


@login_required
@require_POST
def withdraw_view(request, pk: int):
    row = selectors.access_participant(request.user, pk, need=Need.PUBLIC)
    run_service(request, lambda: services.participant_withdraw(actor=request.user, participant=row),
                success=_("The place is given up."))
    if can(request.user, row.activity.organization, Need.MANAGE) and request.POST.get("back") == "participants":
        return redirect("activities:participants", pk=row.activity_id)
    return redirect(row.activity.get_absolute_url())


@login_required
@require_POST
def cancel_view(request, pk: int):
    activity = selectors.access_activity(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: services.activity_cancel(actor=request.user, activity=activity),
                success=_("The activity is cancelled; those signed up are told."))
    return redirect(activity.get_absolute_url())


@login_required
@require_POST
def close_view(request, pk: int):
    activity = selectors.access_activity(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: services.activity_close(actor=request.user, activity=activity),
                success=_("The activity is closed: the hours are on each participant's file."))
    return redirect(activity.get_absolute_url())


# --- the organizer's participant list -------------------------------------------------------------------------


@login_required
@require_GET
def participants_view(request, pk: int):
    activity = selectors.access_activity(request.user, pk, need=Need.MANAGE)
    rows = selectors.participant_rows(activity)
    context = {"activity": activity, "rows": rows, "counts": selectors.counts(activity)}
    return render(request, partial_name(request, "activities/participants.html", "rows"), context)


def _participant_action(request, pk: int, service, success: str):
    row = selectors.access_participant(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: service(actor=request.user, participant=row), success=success)
    return redirect("activities:participants", pk=row.activity_id)


@login_required
@require_POST
def participant_checkin_view(request, pk: int):
    return _participant_action(request, pk, services.participant_check_in, _("Checked in."))


@login_required
@require_POST
def participant_checkout_view(request, pk: int):
    return _participant_action(request, pk, services.participant_check_out, _("Checked out."))


@login_required
@require_http_methods(["GET", "POST"])
def hours_view(request, pk: int):
    row = selectors.access_participant(request.user, pk, need=Need.MANAGE)
    form = HoursForm(request.POST or None, initial={"hours": row.hours, "note": row.hours_note})
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_hours_set(actor=request.user, participant=row, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The hours are saved."))
            return redirect("activities:participants", pk=row.activity_id)
    return render(request, "activities/hours.html", {"form": form, "row": row, "activity": row.activity})


@login_required
@require_GET
def export_view(request, pk: int):
    """The participant list as .xlsx: it names people, so the export is audited (the row count only)."""
    activity = selectors.access_activity(request.user, pk, need=Need.MANAGE)
    rows = selectors.participant_rows(activity)
    content = exporting.participants_xlsx(activity, rows)
    audit_record(actor=request.user, action=AuditEntry.Action.EXPORT, target=activity,
                 organization=activity.organization, changes={"rows": ["", str(len(rows))]})
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}-participants.xlsx"'
    return response


# --- self check-in with the meetings' rotating code -------------------------------------------------------------


@login_required
@require_GET
def checkin_screen_view(request, pk: int):
    """The organizer's screen: the rotating QR code and six digits, refreshed by htmx."""
    activity = selectors.access_activity(request.user, pk, need=Need.MANAGE)
    window = codes.window_now()
    number = services.code_id(activity)
    url = request.build_absolute_uri(reverse("activities:checkin", args=[activity.pk])) + "?t=" + codes.token(
        number, window)
    context = {"activity": activity, "qr": codes.qr_svg(url), "digits": codes.six_digits(number, window),
               "counts": selectors.counts(activity),
               "checked_in": activity.participants.filter(checked_in_at__isnull=False).count()}
    return render(request, partial_name(request, "activities/checkin_screen.html", "code"), context)


@login_required
@require_POST
def checkin_toggle_view(request, pk: int):
    activity = selectors.access_activity(request.user, pk, need=Need.MANAGE)
    open_ = request.POST.get("open") == "1"
    if run_service(request, lambda: services.checkin_toggle(actor=request.user, activity=activity, open_=open_),
                   success=_("Self check-in is open.") if open_ else _("Self check-in is closed.")) and open_:
        return redirect("activities:checkin-screen", pk=activity.pk)
    return redirect(activity.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def checkin_view(request, pk: int):
    """A participant checks in (the QR link's ?t=, or the six digits) or out (the digits, with "out")."""
    activity = selectors.access_activity(request.user, pk, need=Need.PUBLIC)
    code = request.POST.get("code") if request.method == "POST" else request.GET.get("t")
    out = request.POST.get("out") == "1"
    done, refusal = None, ""
    if code:
        try:
            done = services.participant_self_check(actor=request.user, activity=activity, code=code, out=out)
        except ValidationError as error:
            refusal = " ".join(error.messages)
    context = {"activity": activity, "form": CheckinForm(), "done": done, "out": out, "refusal": refusal,
               "mine": selectors.my_place(request.user, activity)}
    return render(request, "activities/checkin.html", context, status=400 if refusal else 200)
