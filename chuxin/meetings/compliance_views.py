"""Compliance, exempt periods, standing arrangements, the members without organizational life, and what
inspectors read: the attendance register (Excel), the minutes and the year's record book (PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core.access import Need, can, has_any
from chuxin.core.forms import add_service_errors, run_service
from chuxin.orgs.selectors import access_organization

from . import exporting, printing, rules, selectors, services
from .forms import ArrangementForm, ExemptionForm
from .models import Arrangement, Attendance, Kind, Meeting
from .views import _int

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except (TypeError, ValueError):
        year = today.year
    return year if 2000 <= year <= today.year + 1 else today.year


@login_required
@require_GET
def compliance_view(request):
    """A superior's matrix over its subtree (its organizations × the kind's periods), or a branch's year at a
    glance (kinds × periods); each cell drills down to the meetings."""
    if request.GET.get("organization"):
        root = access_organization(request.user, _int(request.GET["organization"]), need=Need.READ)
    else:
        if not has_any(request.user, Need.READ):
            raise PermissionDenied
        tops = list(selectors.compliance_scope(request.user)[:2])
        if not tops:
            raise PermissionDenied
        root = tops[0]
    year = _year(request)
    today = timezone.localdate()
    kind = request.GET.get("kind") if request.GET.get("kind") in rules.REQUIRED_KINDS else ""
    single = selectors.is_single_row(root)
    # A matrix shows one kind at a time (tabs for the kinds that apply there): only its meetings are aggregated.
    kinds = list(rules.REQUIRED_KINDS) if single else selectors.kinds_in(root)
    if not single:
        kind = kind if kind in kinds else (kinds[0] if kinds else "")
    rows = selectors.compliance(root, year, today=today, kinds=tuple(kinds) if single else ((kind,) if kind else ()))
    if single:
        kinds = [k for k in rules.REQUIRED_KINDS if any(k in row.cells for row in rows)]
    else:
        for row in rows:
            row.shown_missing = row.missing_by_kind.get(kind, 0)  # the matrix shows one kind at a time
    context = {
        "root": root, "year": year, "years": list(range(today.year - 3, today.year + 1)), "rows": rows,
        "single": single, "kind": kind, "kinds": [(k, Kind(k).label) for k in kinds],
        "breadcrumbs": selectors.breadcrumbs(request.user, root),
        "can_manage": can(request.user, root, Need.MANAGE),
        "flags": selectors.without_life(root, today) if single and can(request.user, root, Need.MANAGE) else [],
        "exemptions": selectors.exemption_list(root, year) if single else [],
        "lectures": selectors.secretary_lectures(root, year) if single else None,
        "exemption_form": ExemptionForm(year=year),
        "list_url": reverse("meetings:list"),  # once, not a reverse() per cell
    }
    return render(request, "meetings/compliance.html", context)


@login_required
@require_POST
def exemption_add_view(request):
    form = ExemptionForm(request.POST, year=_year(request))
    org = access_organization(request.user, _int(request.GET.get("organization")), need=Need.MANAGE)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.exemption_set(actor=request.user, organization=org, kind=data["kind"], period=data["period"],
                                   reason=data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The period is marked exempt."))
    else:
        messages.error(request, _("Choose the kind and the period, and give the reason."))
    return redirect(f"{reverse('meetings:compliance')}?organization={org.pk}&year={_year(request)}")


@login_required
@require_POST
def exemption_remove_view(request, pk: int):
    exemption = selectors.access_exemption(request.user, pk, need=Need.MANAGE)
    org_pk = exemption.organization_id
    services.exemption_remove(actor=request.user, exemption=exemption)
    messages.success(request, _("The exemption has been removed."))
    return redirect(f"{reverse('meetings:compliance')}?organization={org_pk}")


@login_required
@require_http_methods(["GET", "POST"])
def arrangements_view(request):
    """The standing lawful exceptions of an organization's members, and leaders taking part in its life."""
    org = access_organization(request.user, _int(request.GET.get("organization")), need=Need.MANAGE)
    form = ArrangementForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = data["member"]
        target = org if data["kind"] == Arrangement.Kind.DUAL else member.organization
        try:
            if data["kind"] != Arrangement.Kind.DUAL and not member.organization.path.startswith(org.path):
                raise ValidationError(_("%(name)s is not a member of %(org)s.") % {"name": member.name,
                                                                                 "org": org.name})
            services.arrangement_add(actor=request.user, member=member, kind=data["kind"], organization=target,
                                     note=data["note"], started_on=data["started_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The arrangement has been recorded."))
            return redirect(f"{reverse('meetings:arrangements')}?organization={org.pk}")
    return render(request, "meetings/arrangements.html", {
        "organization": org, "form": form, "arrangements": selectors.arrangement_list(org),
        "today": timezone.localdate()}, status=400 if form.errors else 200)


@login_required
@require_POST
def arrangement_end_view(request, pk: int):
    arrangement = selectors.access_arrangement(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: services.arrangement_end(actor=request.user, arrangement=arrangement),
                success=_("The arrangement has ended."))
    return redirect(f"{reverse('meetings:arrangements')}?organization={arrangement.organization_id}")


# ---------------------------------------------------------------------------------------------------------------
# Exports and printing


def _year_meetings(org, year: int) -> list[Meeting]:
    return list(Meeting.objects.filter(organization_path__startswith=org.path, status=Meeting.Status.FINALIZED,
                                       held_on__year=year).select_related("organization", "host", "recorder",
                                                                          "lecturer")
                .order_by("held_on", "pk"))


@login_required
@require_GET
def register_view(request):
    """The attendance register of an organization's year as .xlsx (the page's access: read on it), audited."""
    org = access_organization(request.user, _int(request.GET.get("organization")), need=Need.READ)
    year = _year(request)
    meetings = _year_meetings(org, year)
    rows = list(Attendance.objects.filter(meeting__in=meetings).select_related("member"))
    content, n = exporting.export_register(org, year, meetings, rows)
    audit_record(actor=request.user, action=AuditEntry.Action.EXPORT, target=org, organization=org,
                 changes={"rows": ["", str(n)]})
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="attendance-{org.code}-{year}.xlsx"'
    return response


@login_required
@require_GET
def minutes_pdf_view(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk, need=Need.PUBLIC)
    if not meeting.is_finalized:
        messages.info(request, _("The minutes are printed once the record is finalized."))
        return redirect("meetings:detail", pk=meeting.pk)
    pdf = printing.minutes_pdf(request, meeting)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.pk}.pdf"'
    return response


@login_required
@require_GET
def record_book_view(request):
    """A branch's whole year of organizational life as one PDF record book (组织生活记录本), with a contents page."""
    org = access_organization(request.user, _int(request.GET.get("organization")), need=Need.READ)
    year = _year(request)
    pdf = printing.record_book_pdf(request, org, year, _year_meetings(org, year))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="record-book-{org.code}-{year}.pdf"'
    return response
