"""The pages of one meeting: plan, convene, attendance, leave, check-in, resolutions, finalize and amend, the
life meeting's parts. Thin: access, form, service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.access import Need, can, has_any
from chuxin.core.attachments import attachment_response
from chuxin.core.forms import add_service_errors, run_service
from chuxin.core.htmx import partial_name
from chuxin.core.richtext import to_editable
from chuxin.orgs.selectors import access_organization
from chuxin.plans.selectors import plan_items_of_year

from . import checkin as codes
from . import selectors, services
from .access import HOST, RECORDER
from .forms import (
    AmendForm,
    AttachForm,
    AttendanceForm,
    BatchForm,
    CheckinForm,
    CriticismForm,
    DecideForm,
    FinalizeForm,
    LeaveForm,
    MeetingEditForm,
    MeetingForm,
    ObserverForm,
    PreparationForm,
    RectificationForm,
    RectificationTaskForm,
    ResolutionForm,
    ReviewForm,
)
from .models import Kind, LeaveRequest, Meeting, Rectification

PAGE_SIZE = 50


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _may_record(user, meeting: Meeting) -> bool:
    return can(user, meeting.organization, Need.MANAGE) or RECORDER.holds(user, meeting, Need.MANAGE)


def _may_decide(user, meeting: Meeting) -> bool:
    return can(user, meeting.organization, Need.MANAGE) or HOST.holds(user, meeting, Need.MANAGE)


# ---------------------------------------------------------------------------------------------------------------
# Lists and planning


@login_required
@require_GET
def list_view(request):
    if not has_any(request.user, Need.PUBLIC):
        raise PermissionDenied
    kind = request.GET.get("kind", "") if request.GET.get("kind") in Kind.values else ""
    org = None
    if request.GET.get("organization"):
        org = access_organization(request.user, _int(request.GET["organization"]), need=Need.PUBLIC)
    period = request.GET.get("period", "")[:10]
    page = Paginator(selectors.meeting_list(request.user, organization=org, kind=kind, period=period),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("kind", kind), ("organization", org.pk if org else ""),
                                              ("period", period)) if v)
    context = {"page_obj": page, "kind": kind, "organization": org, "period": period, "kinds": Kind.choices,
               "querystring_base": f"{query}&" if query else "", "can_plan": has_any(request.user, Need.MANAGE),
               "today": timezone.localdate()}
    return render(request, "meetings/list.html", context)


def _choose(request, next_name: str):
    choices = list(selectors.manageable_organizations(request.user)[:201])
    if len(choices) == 1:
        return choices[0], None
    return None, render(request, "meetings/choose.html", {
        "choices": choices[:200], "next": next_name,
        "pick": selectors.manageable_organizations(request.user) if len(choices) > 200 else None})


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request):
    if request.GET.get("organization"):
        org = access_organization(request.user, _int(request.GET["organization"]), need=Need.MANAGE)
    else:
        if not has_any(request.user, Need.MANAGE):
            raise PermissionDenied
        org, page = _choose(request, "meetings:create")
        if page is not None:
            return page
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else None
    form = MeetingForm(request.POST or None, organization=org, initial={"kind": kind} if kind else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("token", None)
        try:
            meeting = services.meeting_plan(actor=request.user, organization=org, token=form.token, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting has been planned; convene it to tell the attendees."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "organization": org, "meeting": None})


@login_required
@require_http_methods(["GET", "POST"])
def edit_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    if not meeting.is_editable:
        messages.error(request, _("The record is finalized; amend the minutes instead."))
        return redirect("meetings:detail", pk=meeting.pk)
    form = MeetingEditForm(request.POST or None, instance=meeting, organization=meeting.organization,
                           initial={"makes_up": meeting.period if meeting.is_makeup else ""})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.meeting_update(actor=request.user, meeting=meeting, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting has been saved."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "organization": meeting.organization,
                                                  "meeting": meeting})


@login_required
@require_http_methods(["GET", "POST"])
def batch_view(request):
    """A committee plans one themed Party day for all its branches."""
    org = access_organization(request.user, _int(request.GET.get("organization")), need=Need.MANAGE)
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.meeting_plan_batch(actor=request.user, committee=org, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("A themed Party day has been planned for %(n)s branches.") % {"n": len(made)})
            return redirect(f"{reverse('meetings:list')}?organization={org.pk}&kind={Kind.THEMED_DAY}")
    return render(request, "meetings/batch.html", {"form": form, "organization": org})


# ---------------------------------------------------------------------------------------------------------------
# One meeting


def _files(user, meeting: Meeting) -> list:
    """The meeting's files, each marked removable for the person who attached it while the record is open."""
    files = selectors.meeting_attachments(meeting)
    open_ = meeting.status in (Meeting.Status.PLANNED, Meeting.Status.CONVENED)
    for f in files:
        f.removable = open_ and user.is_authenticated and f.uploaded_by_id == user.pk
    return files


def _detail_context(request, meeting: Meeting, **forms) -> dict:
    user = request.user
    rows = selectors.attendance_rows(meeting)
    manage = can(user, meeting.organization, Need.MANAGE)
    record = _may_record(user, meeting)
    mine = next((row for row in rows if row.member.user_id == user.pk), None)
    life = meeting.kind == Kind.LIFE
    context = {
        "meeting": meeting, "rows": rows, "tally": selectors.tally(rows),
        "quorum": selectors.quorum_of(meeting, rows), "mine": mine,
        "resolutions": list(meeting.resolutions.all()), "revisions": list(meeting.revisions.select_related(
            "amended_by")),
        "can_manage": manage, "can_record": record, "can_decide": _may_decide(user, meeting),
        "can_review": meeting.organization.parent_id is not None and can(
            user, meeting.organization.parent, Need.MANAGE) and meeting.review in ("pending", "returned"),
        "today": timezone.localdate(),
        "leave_form": forms.get("leave_form") or LeaveForm(),
        "checkin_form": forms.get("checkin_form") or CheckinForm(),
        "resolution_form": forms.get("resolution_form") or ResolutionForm(),
        "review_form": ReviewForm(),
        "attachments": _files(user, meeting),
        "attach_form": AttachForm() if record and meeting.status in (
            Meeting.Status.PLANNED, Meeting.Status.CONVENED) else None,
        "pending_leave": sum(1 for row in rows if getattr(row, "leave_request", None) is not None
                             and row.leave_request.state == LeaveRequest.State.PENDING),
    }
    if life:
        prep = getattr(meeting, "preparation", None)
        context.update({
            "life": True, "preparation": prep,
            "talks": selectors.talks_held(meeting.organization, timezone.localtime(meeting.planned_at).year),
            "criticisms": list(meeting.criticisms.select_related("member")),
            "rectifications": list(meeting.rectifications.all()),
            "preparation_form": forms.get("preparation_form") or PreparationForm(initial={
                "study_done_on": prep.study_done_on, "study_note": prep.study_note,
                "opinions_done_on": prep.opinions_done_on, "opinions_note": prep.opinions_note} if prep else None),
            "criticism_form": forms.get("criticism_form") or CriticismForm(meeting=meeting),
            "rectification_form": forms.get("rectification_form") or RectificationForm(),
        })
    return context


def _detail(request, meeting, status: int = 200, **forms):
    return render(request, "meetings/detail.html", _detail_context(request, meeting, **forms), status=status)


@login_required
@require_GET
def detail_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.PUBLIC)
    return _detail(request, meeting)


@login_required
@require_POST
def convene_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: services.meeting_convene(actor=request.user, meeting=meeting),
                success=_("The meeting has been convened; the attendees have been told."))
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def cancel_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: services.meeting_cancel(actor=request.user, meeting=meeting),
                success=_("The meeting has been cancelled."))
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_view(request, pk: int):
    """The recorder marks attendance by hand (the normal way); observers are added below."""
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    rows = selectors.attendance_rows(meeting)
    form = AttendanceForm(request.POST or None, rows=rows)
    observer_form = ObserverForm(meeting=meeting)
    if request.method == "POST" and form.is_valid():
        marks, reasons = form.marks()
        try:
            n = services.attendance_mark(actor=request.user, meeting=meeting, marks=marks, reasons=reasons)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Attendance saved (%(n)s changed).") % {"n": n})
            return redirect("meetings:attendance", pk=meeting.pk)
    context = {"meeting": meeting, "rows": rows, "form": form, "observer_form": observer_form,
               "tally": selectors.tally(rows), "quorum": selectors.quorum_of(meeting, rows),
               "states": [(s, label) for s, label in form.fields[next(iter(form.fields))].choices]
               if form.fields else []}
    return render(request, "meetings/attendance.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def observer_add_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    form = ObserverForm(request.POST, meeting=meeting)
    if form.is_valid():
        run_service(request, lambda: services.observer_add(actor=request.user, meeting=meeting, **form.cleaned_data),
                    success=_("The observer has been added."))
    else:
        messages.error(request, _("Choose the observer from the list."))
    return redirect("meetings:attendance", pk=meeting.pk)


@login_required
@require_POST
def leave_ask_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.PUBLIC)
    row = meeting.attendances.filter(member__user=request.user).select_related("member").first()
    if row is None:
        raise PermissionDenied
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.leave_request(actor=request.user, attendance=row, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your leave request has been sent to the host and the secretary."))
            return redirect("meetings:detail", pk=meeting.pk)
    return _detail(request, meeting, status=400, leave_form=form)


@login_required
@require_GET
def leave_view(request, pk: int):
    """The leave requests of a meeting, for the host and the secretary to decide."""
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    requests = LeaveRequest.objects.filter(attendance__meeting=meeting).select_related(
        "attendance__member", "decided_by").order_by("state", "-created_at")
    return render(request, "meetings/leave.html", {"meeting": meeting, "requests": requests,
                                                   "form": DecideForm()})


@login_required
@require_POST
def leave_decide_view(request, pk: int):
    leave = selectors.access_leave(request.user, pk, need=Need.MANAGE)
    approve = request.POST.get("decision") == "approve"
    form = DecideForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    run_service(request, lambda: services.leave_decide(actor=request.user, leave=leave, approve=approve,
                                                       comment=comment),
                success=_("Leave approved.") if approve else _("Leave refused."))
    return redirect("meetings:leave", pk=leave.attendance.meeting_id)


# --- check-in ---------------------------------------------------------------------------------------------------


@login_required
@require_GET
def checkin_screen_view(request, pk: int):
    """The host's screen: a QR code that rotates and the six digits, refreshed by htmx every few seconds."""
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    window = codes.window_now()
    url = request.build_absolute_uri(reverse("meetings:checkin", args=[meeting.pk])) + "?t=" + codes.token(
        meeting.pk, window)
    qr = codes.qr_svg(url)
    rows = selectors.attendance_rows(meeting)
    context = {"meeting": meeting, "qr": qr, "digits": codes.six_digits(meeting.pk, window),
               "seconds": codes.WINDOW, "tally": selectors.tally(rows)}
    return render(request, partial_name(request, "meetings/checkin_screen.html", "code"), context)


@login_required
@require_POST
def checkin_toggle_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    open_ = request.POST.get("open") == "1"
    if run_service(request, lambda: services.checkin_toggle(actor=request.user, meeting=meeting, open_=open_),
                   success=_("Self check-in is open.") if open_ else _("Self check-in is closed.")) and open_:
        return redirect("meetings:checkin-screen", pk=meeting.pk)
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def checkin_view(request, pk: int):
    """A member checks in: the QR code's link (?t=...) or the six digits typed. Every refusal says why."""
    meeting = selectors.access_meeting(request.user, pk, need=Need.PUBLIC)
    code = request.POST.get("code") if request.method == "POST" else request.GET.get("t")
    done, refusal = None, ""
    if code:
        try:
            done = services.attendance_checkin(actor=request.user, meeting=meeting, code=code)
        except ValidationError as error:
            refusal = " ".join(error.messages)
    context = {"meeting": meeting, "form": CheckinForm(), "done": done, "refusal": refusal,
               "mine": meeting.attendances.filter(member__user=request.user).first()}
    return render(request, "meetings/checkin.html", context, status=400 if refusal else 200)


# --- resolutions, finalize, amend, review ------------------------------------------------------------------------


@login_required
@require_POST
def resolution_add_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    form = ResolutionForm(request.POST)
    if form.is_valid():
        try:
            data = dict(form.cleaned_data)
            data.pop("token", None)
            resolution = services.resolution_add(actor=request.user, meeting=meeting, token=form.token, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, resolution.note or _("The resolution has been recorded."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#resolutions")
    return _detail(request, meeting, status=400, resolution_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def finalize_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    if not can(request.user, meeting.organization, Need.MANAGE):
        raise PermissionDenied
    if meeting.is_finalized:
        messages.info(request, _("The record is already finalized; amend the minutes instead."))
        return redirect("meetings:amend", pk=meeting.pk)
    initial = {"held_on": min(timezone.localtime(meeting.planned_at).date(), timezone.localdate()),
               "minutes": to_editable(meeting.minutes)}
    form = FinalizeForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_finalize(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The record has been finalized; it is now read-only."))
            return redirect("meetings:detail", pk=meeting.pk)
    rows = selectors.attendance_rows(meeting)
    return render(request, "meetings/finalize.html", {
        "meeting": meeting, "form": form, "tally": selectors.tally(rows),
        "quorum": selectors.quorum_of(meeting, rows)})


@login_required
@require_POST
def attach_view(request, pk: int):
    """Files added to a meeting's record while it is not finalized (a sign-in sheet, the material studied)."""
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        run_service(request, lambda: services.meeting_attachments_add(
            actor=request.user, meeting=meeting, attachments=form.cleaned_data["attachments"], token=form.token),
            success=_("The files have been attached."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_GET
def attachment_view(request, pk: int):
    return attachment_response(selectors.access_attachment(request.user, pk, need=Need.PUBLIC))


@login_required
@require_POST
def attachment_delete_view(request, pk: int):
    attachment = selectors.access_attachment(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: services.meeting_attachment_delete(actor=request.user, attachment=attachment),
                success=_("The attachment has been removed."))
    return redirect("meetings:detail", pk=attachment.meeting_id)


@login_required
@require_http_methods(["GET", "POST"])
def amend_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    if not can(request.user, meeting.organization, Need.MANAGE):
        raise PermissionDenied
    if not meeting.is_finalized:
        return redirect("meetings:finalize", pk=meeting.pk)
    form = AmendForm(request.POST or None, initial={"minutes": to_editable(meeting.minutes)})
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_amend(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The minutes have been amended; the previous text is kept."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/amend.html", {"meeting": meeting, "form": form})


@login_required
@require_POST
def review_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.PUBLIC)
    if meeting.organization.parent is None or not can(request.user, meeting.organization.parent, Need.MANAGE):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    accept = request.POST.get("decision") == "accept"
    run_service(request, lambda: services.meeting_review(actor=request.user, meeting=meeting, accept=accept,
                                                         comment=comment),
                success=_("The record has been accepted.") if accept else _("The record has been returned."))
    return redirect("meetings:detail", pk=meeting.pk)


# --- the life meeting ---------------------------------------------------------------------------------------------


@login_required
@require_POST
def preparation_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    form = PreparationForm(request.POST)
    if form.is_valid():
        try:
            services.preparation_save(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The preparation has been saved."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#life")
    return _detail(request, meeting, status=400, preparation_form=form)


@login_required
@require_POST
def criticism_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    form = CriticismForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.criticism_save(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The criticism and self-criticism have been recorded."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#life")
    return _detail(request, meeting, status=400, criticism_form=form)


@login_required
@require_POST
def rectification_add_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.MANAGE)
    form = RectificationForm(request.POST)
    if form.is_valid():
        try:
            data = dict(form.cleaned_data)
            data.pop("token", None)
            services.rectification_add(actor=request.user, meeting=meeting, token=form.token, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The rectification measure has been added."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#life")
    return _detail(request, meeting, status=400, rectification_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def rectification_task_view(request, pk: int):
    """Make a rectification measure a task of the organization's annual plan for the measure's year."""
    item = Rectification.objects.select_related("meeting__organization").filter(pk=_int(pk)).first()
    if item is None:
        raise Http404
    meeting = selectors.access_meeting(request.user, item.meeting_id, need=Need.MANAGE)
    if not can(request.user, meeting.organization, Need.MANAGE):
        raise PermissionDenied
    items = plan_items_of_year(meeting.organization, item.due_on.year)
    form = RectificationTaskForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            services.rectification_to_task(actor=request.user, rectification=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The measure is now a task of the annual plan."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#life")
    return render(request, "meetings/rectification_task.html", {
        "meeting": meeting, "item": item, "form": form, "has_items": items.exists(),
        "year": item.due_on.year})
