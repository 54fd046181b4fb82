from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.accounts.services import (
    Slip,
    account_create_for_member,
    account_password_reset,
    account_unlock,
    accounts_create_bulk,
)
from chuxin.core.access import Need, can, has_any, require
from chuxin.core.forms import add_service_errors, run_service
from chuxin.core.htmx import partial_name
from chuxin.core.paging import keyset_page
from chuxin.core.spreadsheet import (
    ImportResult,
    import_job_confirm,
    import_job_get,
    import_job_hold,
    import_job_start,
)
from chuxin.orgs.selectors import access_organization, member_positions

from . import exporting, importing, services
from .forms import ALL_STATUSES, BulkLoginsForm, ImportForm, MemberFilterForm, MemberForm
from .listing import ROW_FIELDS, member_rows
from .models import Member
from .selectors import (
    MemberFilters,
    access_member,
    member_count,
    member_history,
    member_list,
    members_on_roll_in,
    members_without_login,
)
from .tasks import import_members_task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _filters(request) -> tuple[MemberFilterForm, MemberFilters]:
    """The list's (and its export's) filters: the members on the roll (在册, status active) unless a status is
    chosen, so the list's count is the home page's; "all" shows every status."""
    data = request.GET.copy()
    if not data.get("status"):
        data["status"] = Member.Status.ACTIVE
    form = MemberFilterForm(data, user=request.user)
    filters = MemberFilters(status=Member.Status.ACTIVE)
    if form.is_valid():
        data = form.cleaned_data
        filters = MemberFilters(
            organization=data["organization"], category=data["category"],
            status="" if data["status"] == ALL_STATUSES else data["status"],
            education=data["education"], age_band=data["age_band"], q=data["q"], contains=data["contains"],
        )
    return form, filters


@login_required
@require_GET
def list_view(request):
    if not has_any(request.user, Need.READ):
        raise PermissionDenied
    form, filters = _filters(request)
    # Paged by key (the name order), not by offset: a page deep in a million members costs what the first does.
    page = keyset_page(member_list(request.user, filters).only(*ROW_FIELDS), key="name_pinyin", size=PAGE_SIZE,
                       after=request.GET.get("after"), before=request.GET.get("before"))
    page.count, page.count_exact = member_count(request.user, filters)
    query = {k: v for k, v in request.GET.items() if k not in ("after", "before") and v}
    today = timezone.localdate()
    context = {
        "form": form, "page_obj": page, "querystring_base": urlencode(query) + "&" if query else "",
        "rows": member_rows(page, today),  # drawn in Python, escaped: see listing.py
        "export_query": urlencode(query), "can_manage": has_any(request.user, Need.MANAGE),
        "today": today,
        "on_roll": filters.status == Member.Status.ACTIVE,
        "all_statuses_query": urlencode(query | {"status": ALL_STATUSES}),
    }
    return render(request, partial_name(request, "members/list.html", "results"), context)


@login_required
@require_GET
def detail_view(request, pk: int):
    member = access_member(request.user, pk, need=Need.READ)
    context = {
        "member": member,
        "can_edit": can(request.user, member.organization, Need.MANAGE),
        "can_reveal": member.user_id == request.user.pk or can(request.user, member.organization, Need.ADMIN),
        "can_admin": can(request.user, member.organization, Need.ADMIN),
        "positions": member_positions(member),
        "history": member_history(member, request.user),
    }
    return render(request, "members/detail.html", context)


@login_required
@sensitive_post_parameters("citizen_id")  # never in an error report
@require_http_methods(["GET", "POST"])
def create_view(request):
    if not has_any(request.user, Need.MANAGE):
        raise PermissionDenied
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_create(
                actor=request.user, citizen_id_number=form.cleaned_data["citizen_id"], token=form.token,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The member file has been created."))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "member": None})


@login_required
@sensitive_post_parameters("citizen_id")  # never in an error report
@require_http_methods(["GET", "POST"])
def edit_view(request, pk: int):
    member = access_member(request.user, pk, need=Need.MANAGE)
    form = MemberForm(request.POST or None, instance=member, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                actor=request.user, member=Member.objects.get(pk=member.pk),
                citizen_id_number=form.cleaned_data.get("citizen_id") or None,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The member file has been saved."))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "member": member})


@login_required
@require_POST
def reveal_view(request, pk: int):
    member = access_member(request.user, pk, need=Need.READ)
    if member.user_id != request.user.pk:
        require(request.user, member.organization, Need.ADMIN)
    number = services.member_reveal_citizen_id(actor=request.user, member=member)
    return render(request, "members/detail.html#citizen-id", {"member": member, "revealed": number})


def _slips_page(request, slips: list[Slip], **context):
    """The account slips, shown once: never cached, and the passwords exist nowhere else (stored hashed)."""
    context = {"slips": slips, "site_url": request.build_absolute_uri("/"), **context}
    return render(request, "members/account_created.html", context)


@login_required
@never_cache
@require_POST
def account_create_view(request, pk: int):
    member = access_member(request.user, pk, need=Need.ADMIN)
    try:
        user, password = account_create_for_member(actor=request.user, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("members:detail", pk=member.pk)
    return _slips_page(request, [Slip(member=member, account=user, password=password)], member=member)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def logins_view(request, pk: int):
    """Create logins for an organization's members in one go (a worker): those without one are listed, all
    ticked; the answer is their account slips to print, shown this once."""
    org = access_organization(request.user, pk, need=Need.ADMIN)
    offered, more = members_without_login(org)
    form = BulkLoginsForm(request.POST or None, queryset=members_on_roll_in(org), offered=offered)
    if request.method == "POST" and form.is_valid():
        try:
            result = accounts_create_bulk(actor=request.user, organization=org, members=form.cleaned_data["members"],
                                          token=form.token)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if result.repeated:
                messages.info(request, _("These logins were made when the form was first sent; their one-time "
                                         "passwords were shown then and are not kept. To give someone a new one, "
                                         "reset the password on their member file."))
                return redirect("members:logins", pk=org.pk)
            return _slips_page(request, result.slips, org=org, skipped=result.skipped, bulk=True)
    return render(request, "members/logins.html", {"org": org, "form": form, "offered": offered, "more": more})


@login_required
@require_POST
def account_unlock_view(request, pk: int):
    member = access_member(request.user, pk, need=Need.ADMIN)
    run_service(request, lambda: account_unlock(actor=request.user, member=member),
                success=_("The login delay has been lifted; %(name)s can log in again.") % {"name": member.name})
    return redirect("members:detail", pk=member.pk)


@login_required
@never_cache
@require_POST
def account_reset_view(request, pk: int):
    member = access_member(request.user, pk, need=Need.ADMIN)
    try:
        password = account_password_reset(actor=request.user, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("members:detail", pk=member.pk)
    return _slips_page(request, [Slip(member=member, account=member.user, password=password)], member=member,
                       reset=True)


def _import_finished(request, result: ImportResult) -> None:
    if result.ok and not result.preview:
        messages.success(
            request,
            _("Import finished: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    """Upload a file: it is checked, and what it would write is shown to confirm (the job's page) before anything
    is written. A big file is checked by the background worker; a file with problems lists them at once."""
    if not has_any(request.user, Need.MANAGE):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        rows = importing.background_rows(upload)
        if rows is not None:
            job = import_job_start(actor=request.user, kind=importing.JOB_KIND, upload=upload, rows_total=rows,
                                   task=import_members_task)
            return redirect("members:import-job", pk=job.pk)
        result = importing.import_members(actor=request.user, upload=upload, write=False)
        if result.preview:  # kept until confirmed: the preview is the job's page
            job = import_job_hold(actor=request.user, kind=importing.JOB_KIND, upload=upload, preview=result)
            return redirect("members:import-job", pk=job.pk)
        _import_finished(request, result)  # nothing to write: every row is as the files already say
    return render(request, "members/import.html", {"form": form, "result": result})


def _import_job(request, pk: int):
    if not has_any(request.user, Need.MANAGE):
        raise PermissionDenied
    job = import_job_get(request.user, pk, kind=importing.JOB_KIND)
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def import_job_view(request, pk: int):
    """An import's page: the worker's progress (the page polls itself), the preview to confirm, then the result,
    the same as for a file checked in the request."""
    job = _import_job(request, pk)
    result = ImportResult.from_dict(job.result) if job.is_finished or job.is_checked else None
    context = {"form": ImportForm(), "job": job, "result": result}
    return render(request, partial_name(request, "members/import.html", "job"), context)


@login_required
@require_POST
def import_confirm_view(request, pk: int):
    """The uploader confirms the preview: the stored file is written (checked again as it is), in the request, or
    by the worker for a big file. Confirming twice writes once."""
    job = _import_job(request, pk)
    background = False
    if job.is_checked and job.file:
        with job.file.open("rb") as stored:  # a file the worker checked is written by the worker too
            background = importing.background_rows(stored) is not None
    if not import_job_confirm(job, task=import_members_task, background=background,
                              run=lambda **kwargs: importing.import_members(**kwargs)):
        messages.info(request, _("This import is no longer waiting for a confirmation."))
    else:
        job.refresh_from_db()
        if job.is_finished:
            _import_finished(request, ImportResult.from_dict(job.result))
    return redirect("members:import-job", pk=job.pk)


@login_required
@require_GET
def import_template_view(request):
    if not has_any(request.user, Need.MANAGE):
        raise PermissionDenied
    response = HttpResponse(importing.build_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="members-template.xlsx"'
    return response


@login_required
@require_GET
def export_view(request):
    if not has_any(request.user, Need.READ):
        raise PermissionDenied
    _form, filters = _filters(request)
    reveal = request.GET.get("full_id") == "1"
    if reveal and not has_any(request.user, Need.ADMIN):
        raise PermissionDenied
    content = exporting.export_members(
        actor=request.user, queryset=member_list(request.user, filters), reveal=reveal,
        organization=filters.organization, national=request.GET.get("layout") == "national",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="members-{stamp}.xlsx"'
    return response
