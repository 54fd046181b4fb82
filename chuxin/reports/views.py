from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.access import Need, can, has_any
from chuxin.core.attachments import AttachmentsField, attachment_response
from chuxin.core.forms import RichTextarea, add_service_errors, run_service
from chuxin.core.richtext import to_editable
from chuxin.orgs.models import Organization

from . import exporting, facts, selectors, services, word
from .forms import ReportFilesForm, RequirementForm, ReviewForm
from .models import Report, ReportAttachment, ReportPeriod
from .periods import periods_open
from .states import REPORTS, may_write


@login_required
@require_GET
def mine_view(request):
    today = timezone.localdate()
    duties = selectors.my_duties(request.user, today, open_only=False)
    to_review = list(selectors.reports_to_review(request.user)[:100])
    context = {"duties": duties, "to_review": to_review, "today": today,
               "can_read": has_any(request.user, Need.READ)}
    return render(request, "reports/mine.html", context)


@login_required
@require_GET
def requirement_list_view(request):
    """The requirements of the user's subtree: READ follows them (the status of every period), MANAGE also
    sets new ones."""
    if not has_any(request.user, Need.READ):
        raise PermissionDenied
    requirements = list(selectors.requirement_list(request.user))
    periods_open(timezone.localdate(), requirements)  # nothing waits for the daily job
    return render(request, "reports/requirements.html", {"requirements": requirements,
                                                         "can_manage": has_any(request.user, Need.MANAGE)})


@login_required
@require_http_methods(["GET", "POST"])
def requirement_create_view(request):
    if not has_any(request.user, Need.MANAGE):
        raise PermissionDenied
    form = RequirementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            requirement = services.requirement_create(
                actor=request.user, organization=form.cleaned_data["organization"], token=form.token,
                **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report requirement has been created."))
            return redirect("reports:requirement", pk=requirement.pk)
    return render(request, "reports/requirement_form.html", {"form": form, "requirement": None})


@login_required
@require_http_methods(["GET", "POST"])
def requirement_edit_view(request, pk: int):
    requirement = selectors.access_requirement(request.user, pk, need=Need.MANAGE)
    form = RequirementForm(request.POST or None, instance=requirement, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_update(
                actor=request.user, requirement=selectors.access_requirement(request.user, pk, need=Need.MANAGE),
                **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report requirement has been saved."))
            return redirect("reports:requirement", pk=pk)
    return render(request, "reports/requirement_form.html", {"form": form, "requirement": requirement})


def _periods(request, requirement, today) -> tuple[list[ReportPeriod], ReportPeriod | None]:
    """The requirement's last 24 periods and the one asked for (`?period=`), by default the latest that has
    ended: the one whose reports are being written or reviewed now."""
    periods_open(today, [requirement])
    periods = list(requirement.periods.order_by("-start")[:24])
    for period in periods:
        period.requirement = requirement
    chosen = next((p for p in periods if p.end < today), periods[0] if periods else None)
    if request.GET.get("period"):
        chosen = next((p for p in periods if str(p.pk) == request.GET["period"]), None)
        if chosen is None:
            raise Http404
    return periods, chosen


@login_required
@require_GET
def requirement_export_view(request, pk: int):
    """A period's report status as .xlsx: who filed, on time or late, who is missing. The page's access; it names
    the people who wrote, so the export is audited."""
    requirement = selectors.access_requirement(request.user, pk, need=Need.READ)
    today = timezone.localdate()
    _periods_list, chosen = _periods(request, requirement, today)
    if chosen is None:
        raise Http404
    content = exporting.export_period(actor=request.user, period=chosen,
                                      rows=selectors.period_table(chosen, today))
    response = HttpResponse(content, content_type=exporting.XLSX)
    response["Content-Disposition"] = f'attachment; filename="report-status-{requirement.pk}-{chosen.pk}.xlsx"'
    return response


@login_required
@require_GET
def requirement_view(request, pk: int):
    """A requirement's status, period by period: who reported, who is late or missing. READ reads it (and each
    report handed in); MANAGE also edits the requirement and reviews."""
    requirement = selectors.access_requirement(request.user, pk, need=Need.READ)
    today = timezone.localdate()
    periods, chosen = _periods(request, requirement, today)
    rows = selectors.period_table(chosen, today) if chosen else []
    context = {
        "requirement": requirement, "periods": periods, "period": chosen, "rows": rows, "today": today,
        "late": [row for row in rows if row.late],
        "missing": [row for row in rows if row.state == "missing"],
        "counts": {state: sum(1 for row in rows if row.state == state)
                   for state in ("accepted", "submitted", "returned", "draft", "not_started", "missing")},
        "can_manage": can(request.user, requirement.organization, Need.MANAGE),
    }
    return render(request, "reports/requirement.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def write_view(request, period: int, org: int):
    """The start of a report: the requirement and its sections; POST creates the pre-filled draft."""
    period = get_object_or_404(ReportPeriod.objects.select_related("requirement__organization"), pk=period)
    organization = get_object_or_404(Organization, pk=org)
    holder_id = services.reporter_check(actor=request.user, period=period, organization=organization)
    existing = Report.objects.filter(period=period, organization=organization, holder_id=holder_id).first()
    if existing is not None:
        return redirect("reports:report", pk=existing.pk)
    if request.method == "POST":
        report = services.report_start(actor=request.user, period=period, organization=organization)
        return redirect("reports:report", pk=report.pk)
    return render(request, "reports/write.html", {"period": period, "organization": organization})


def _posted_sections(request, report: Report) -> list[str]:
    return [request.POST.get(f"section-{i}", "") for i in range(len(report.sections))]


@login_required
@require_http_methods(["GET", "POST"])
def report_view(request, pk: int):
    """The report: its writers edit and submit it (MANAGE, or the post holder); READ on its organization reads
    it once handed in."""
    report = selectors.access_report(request.user, pk, need=Need.MANAGE if request.method == "POST" else Need.READ)
    can_write = may_write(request.user, report)
    texts = [to_editable(s.get("html", "")) for s in report.sections]
    errors: list[str] = []
    files_form = ReportFilesForm()
    if request.method == "POST":
        texts = _posted_sections(request, report)
        version = _int(request.POST.get("version"))
        files_form = ReportFilesForm(request.POST, request.FILES)
        try:
            if not files_form.is_valid():  # a file refused: nothing is saved, the author's text stays in the form
                raise ValidationError(list(files_form.errors["attachments"]))
            files = files_form.cleaned_data["attachments"]
            if request.POST.get("action") == "submit":
                services.report_submit(actor=request.user, report=report, sections=texts, version=version,
                                       attachments=files)
                messages.success(request, _("The report has been submitted."))
            else:
                services.report_save(actor=request.user, report=report, sections=texts, version=version,
                                     attachments=files)
                messages.success(request, _("The draft has been saved."))
        except ValidationError as error:
            errors = error.messages  # the author's text stays in the form
        else:
            return redirect("reports:report", pk=report.pk)
    attachments = list(report.attachments.all())
    for attachment in attachments:
        attachment.removable = report.is_editable and can_write and attachment.uploaded_by_id == request.user.pk
    context = {
        "report": report, "period": report.period, "facts_panel": facts.panel(report.facts),
        "sections": [
            {"title": s.get("title", ""), "html": s.get("html", ""), "text": texts[i] if i < len(texts) else "",
             "guidance": _guidance(report, i)}
            for i, s in enumerate(report.sections)
        ],
        "errors": errors, "is_reviewer": selectors.is_reviewer(request.user, report), "can_write": can_write,
        "attachments": attachments, "files_form": files_form, "editor_media": RichTextarea().media,
        "attachment_help": AttachmentsField().help_text,
        "version": request.POST.get("version", report.version) if errors else report.version,
    }
    return render(request, "reports/report.html", context)


def _guidance(report: Report, index: int) -> str:
    template = report.period.requirement.sections
    return template[index].get("guidance", "") if index < len(template) else ""


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@login_required
@require_http_methods(["GET", "POST"])
def review_view(request, pk: int):
    report = selectors.access_report_for_review(request.user, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if request.POST.get("action") == "return":
                services.report_return(actor=request.user, report=report, comment=comment)
                messages.success(request, _("The report has been returned to its author."))
            else:
                services.report_accept(actor=request.user, report=report, comment=comment)
                messages.success(request, _("The report has been accepted."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            url = reverse("reports:requirement", args=[report.period.requirement_id])
            return redirect(f"{url}?period={report.period_id}")
    context = {"report": report, "period": report.period, "facts_panel": facts.panel(report.facts), "form": form,
               "steps": REPORTS.allowed(report.status)}
    return render(request, "reports/review.html", context)


@login_required
@require_GET
def attachment_view(request, pk: int):
    """A report's file: whoever may read the report (its access, so another organization's file is 404)."""
    attachment = get_object_or_404(ReportAttachment, pk=pk)
    selectors.access_report(request.user, attachment.report_id, need=Need.READ)
    return attachment_response(attachment)


@login_required
@require_POST
def attachment_remove_view(request, pk: int):
    attachment = get_object_or_404(ReportAttachment, pk=pk)
    report = selectors.access_report(request.user, attachment.report_id, need=Need.MANAGE)
    run_service(request, lambda: services.report_attachment_remove(actor=request.user, attachment=attachment),
                success=_("The attachment has been removed."))
    return redirect("reports:report", pk=report.pk)


@login_required
@require_GET
def word_view(request, pk: int):
    """The report as a Word document: the same access as reading it."""
    report = selectors.access_report(request.user, pk, need=Need.READ)
    response = HttpResponse(word.report_docx(report), content_type=word.DOCX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{report.period.requirement.title}-{report.period.label}-{report.organization.name}.docx")
    return response
