"""The dues pages: a branch's month (bills, payments, closing), the reconciliation and the yearly summary, a
member's statement (their own only, for a member), bases, payments, reductions. Thin: access, form, service,
render or redirect."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core.access import Need, can, has_any, scope_q
from chuxin.core.forms import add_service_errors, run_service
from chuxin.members.models import Member
from chuxin.orgs.models import Organization
from chuxin.orgs.selectors import access_organization

from . import exporting, selectors, services
from . import months as mo
from .forms import BaseForm, PaymentForm, ReasonForm, ReductionForm
from .models import DuesBill, DuesReduction

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _param(request, name: str) -> str | None:
    """A POST's field, else the address's query (the forms post both ways)."""
    return request.POST.get(name) or request.GET.get(name)


def _org(request, need: Need) -> Organization:
    return access_organization(request.user, _int(_param(request, "organization")), need=need)


def _month(request) -> datetime.date:
    return mo.parse(_param(request, "month"), mo.first(timezone.localdate()))


def _year(request) -> int:
    year = _int(request.GET.get("year") or timezone.localdate().year)
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _month_words(month: datetime.date) -> str:
    """A month as a person reads it (2026年11月 / November 2026); the "2026-11" code is for addresses and values."""
    return date_format(month, "YEAR_MONTH_FORMAT")


def _branch_url(org, month) -> str:
    return f"{reverse('dues:branch')}?organization={org.pk}&month={month:%Y-%m}"


@login_required
@require_GET
def home_view(request):
    """Where dues are kept: the organizations the user reads, and their own statement."""
    if not has_any(request.user, Need.PUBLIC):
        raise PermissionDenied
    orgs = []
    if has_any(request.user, Need.READ):
        orgs = list(Organization.objects.filter(scope_q(request.user, Need.READ), status=Organization.Status.ACTIVE)
                    .exclude(kind=Organization.Kind.PARTY_GROUP).order_by("path")[:200])
    own = Member.objects.filter(user=request.user, status=Member.Status.ACTIVE).first()
    return render(request, "dues/home.html", {"organizations": orgs, "own": own,
                                              "month": mo.first(timezone.localdate())})


@login_required
@require_GET
def branch_view(request):
    org = _org(request, Need.READ)
    month = _month(request)
    page = selectors.branch_month(org, month)
    return render(request, "dues/branch.html", {
        "organization": org, "month": month, "page": page, "can_manage": can(request.user, org, Need.MANAGE),
        "previous": mo.add(month, -1), "next": mo.add(month, 1),
        # Written once, not per row (a branch of 200 members: see selectors.Line).
        "member_url": reverse("dues:home") + "members/", "no_bill": _("no bill"), "pay_label": _("Payment"),
        "due_label": _("Due"), "paid_label": _("Paid")})


@login_required
@require_POST
def generate_view(request):
    org = _org(request, Need.MANAGE)
    month = _month(request)
    try:
        made = services.bills_generate(actor=request.user, organization=org, month=month)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(n)s new bills made for %(month)s.") % {"n": made, "month": _month_words(month)})
    return redirect(_branch_url(org, month))


@login_required
@require_POST
def close_view(request):
    org = _org(request, Need.MANAGE)
    month = _month(request)
    run_service(request, lambda: services.month_close(actor=request.user, organization=org, month=month),
                success=_("%(month)s is closed.") % {"month": _month_words(month)})
    return redirect(f"{reverse('dues:reconcile')}?organization={org.pk}&year={month.year}")


@login_required
@require_GET
def reconcile_view(request):
    org = _org(request, Need.READ)
    year = _year(request)
    return render(request, "dues/reconcile.html", {
        "organization": org, "year": year, "rows": selectors.reconciliation(org, year),
        "can_manage": can(request.user, org, Need.MANAGE), "this_month": mo.first(timezone.localdate())})


@login_required
@require_GET
def summary_view(request):
    """The yearly publication to the members: totals only, no names (a member of the branch may read it)."""
    org = _org(request, Need.PUBLIC)
    year = _year(request)
    return render(request, "dues/summary.html", {"organization": org, "year": year,
                                                 "summary": selectors.yearly_summary(org, year)})


@login_required
@require_GET
def summary_xlsx_view(request):
    org = _org(request, Need.PUBLIC)
    year = _year(request)
    content = exporting.export_summary(org, year, selectors.yearly_summary(org, year))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="dues-summary-{org.code}-{year}.xlsx"'
    return response


@login_required
@require_GET
def month_xlsx_view(request):
    """The month's bills by name as .xlsx; it names people, so it is audited (the row count only)."""
    org = _org(request, Need.READ)
    month = _month(request)
    page = selectors.branch_month(org, month)
    content, n = exporting.export_month(org, month, page)
    audit_record(actor=request.user, action=AuditEntry.Action.EXPORT, target=org, organization=org,
                 changes={"rows": ["", str(n)]})
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="dues-{org.code}-{month:%Y-%m}.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------------------------
# A member


@login_required
@require_GET
def member_view(request, pk: int):
    member = selectors.access_member(request.user, pk, need=Need.READ)
    year = _year(request)
    return render(request, "dues/member.html", {
        "member": member, "year": year, "s": selectors.statement(member, year),
        "can_manage": can(request.user, member.organization, Need.MANAGE), "reason_form": ReasonForm()})


@login_required
@require_http_methods(["GET", "POST"])
def base_view(request, pk: int):
    member = selectors.access_member(request.user, pk, need=Need.MANAGE)
    form = BaseForm(request.POST or None, initial={"effective_month": f"{timezone.localdate():%Y-%m}"})
    if request.method == "POST" and form.is_valid():
        try:
            services.base_set(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The dues base is recorded."))
            return redirect("dues:member", pk=member.pk)
    return render(request, "dues/form.html", {"member": member, "form": form, "title": _("Set the dues base"),
                                              "submit": _("Record")})


def _month_choices(member: Member) -> list[tuple[str, str]]:
    """The months a payment may settle: open bills within six months back, and the rest of the quarter."""
    today = timezone.localdate()
    first = mo.add(mo.first(today), -6)
    months = list(DuesBill.objects.filter(member=member, month__gte=first).order_by("month").values_list(
        "month", "due", "paid"))
    known = {m for m, _d, _p in months}
    choices = [(f"{m:%Y-%m}", f"{_month_words(m)} · {due:.2f}") for m, due, paid in months if paid < due]
    for m in mo.span(mo.add(mo.first(today), 1), mo.quarter_end(mo.first(today))):
        if m not in known:
            choices.append((f"{m:%Y-%m}", f"{_month_words(m)} · {_('paid ahead')}"))
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def pay_view(request, pk: int):
    member = selectors.access_member(request.user, pk, need=Need.MANAGE)
    if request.method == "POST" and services.payment_made(actor=request.user, member=member,
                                                          token=request.POST.get("token", "")):
        # The same form sent again (a double click, a retry): answered as the first was, not with the form
        # refusing the months the first sending settled.
        messages.success(request, _("The payment is recorded."))
        return redirect("dues:member", pk=member.pk)
    form = PaymentForm(request.POST or None, month_choices=_month_choices(member))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.payment_record(actor=request.user, member=member, months=data["months"],
                                    paid_on=data["paid_on"], method=data["method"], paid_by=data["paid_by"],
                                    extra=data["extra"] or 0, note=data["note"], token=form.token)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The payment is recorded."))
            return redirect("dues:member", pk=member.pk)
    return render(request, "dues/form.html", {"member": member, "form": form, "title": _("Record a payment"),
                                              "submit": _("Record the payment")})


@login_required
@require_POST
def reason_view(request, pk: int):
    bill = selectors.access_bill(request.user, pk, need=Need.MANAGE)
    form = ReasonForm(request.POST)
    if form.is_valid():
        run_service(request, lambda: services.unpaid_reason_set(actor=request.user, bill=bill,
                                                                reason=form.cleaned_data["reason"]),
                    success=_("The reason is recorded."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("dues:member", pk=bill.member_id)


@login_required
@require_http_methods(["GET", "POST"])
def reduction_add_view(request, pk: int):
    member = selectors.access_member(request.user, pk, need=Need.MANAGE)
    form = ReductionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reduction_propose(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The branch's decision is recorded; it waits for the next level's "
                                        "approval."))
            return redirect("dues:member", pk=member.pk)
    return render(request, "dues/form.html", {"member": member, "form": form,
                                              "title": _("Hardship reduction or exemption"),
                                              "submit": _("Record the branch's decision")})


@login_required
@require_GET
def reductions_view(request):
    org = _org(request, Need.READ)
    rows = list(DuesReduction.objects.filter(organization_path__startswith=org.path)
                .select_related("member", "organization__parent").order_by("status", "-first_month")[:200])
    for r in rows:
        r.may_approve = r.status == DuesReduction.Status.PROPOSED and services.may_approve(request.user, r)
    return render(request, "dues/reductions.html", {"organization": org, "rows": rows})


@login_required
@require_POST
def reduction_decide_view(request, pk: int):
    reduction = selectors.access_reduction(request.user, pk, need=Need.MANAGE)
    if not services.may_approve(request.user, reduction):
        raise PermissionDenied
    approve = request.POST.get("decision") == "approve"
    run_service(request, lambda: services.reduction_decide(actor=request.user, reduction=reduction, approve=approve),
                success=_("Approved.") if approve else _("Not approved."))
    return redirect(f"{reverse('dues:reductions')}?organization={reduction.organization_id}")
