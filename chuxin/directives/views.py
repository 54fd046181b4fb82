from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.access import Need, can, has_any
from chuxin.core.attachments import attachment_response
from chuxin.core.forms import add_service_errors, run_service
from chuxin.core.htmx import partial_name
from chuxin.orgs.selectors import access_organization
from chuxin.plans.forms import DirectiveTaskForm
from chuxin.plans.models import Plan

from . import exporting, matrix, selectors, services
from .forms import ActionForm, AttachForm, CompleteForm, DirectiveForm
from .states import RECIPIENTS

PAGE_SIZE = 50
MATRIX_PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CountedPaginator(Paginator):
    """A paginator told its count, when the page already knows it from an aggregate: one query fewer."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _querystring(request, *drop: str) -> str:
    query = {k: v for k, v in request.GET.items() if k not in ("page", *drop) and v}
    return urlencode(query) + "&" if query else ""


# ---------------------------------------------------------------------------------------------------------------
# Lists


@login_required
@require_GET
def inbox_view(request):
    if not has_any(request.user, Need.READ):
        raise PermissionDenied
    show = request.GET.get("show") if request.GET.get("show") in ("open", "completed", "all") else "open"
    page = Paginator(selectors.inbox_list(request.user, show=show), PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:  # standings are cached on the user: no queries
        row.can_manage = can(request.user, row.organization, Need.MANAGE)
    context = {
        "page_obj": page, "show": show, "querystring_base": _querystring(request), "today": timezone.localdate(),
        "can_send": has_any(request.user, Need.MANAGE),
    }
    return render(request, "directives/inbox.html", context)


@login_required
@require_GET
def sent_view(request):
    if not has_any(request.user, Need.READ):
        raise PermissionDenied
    page = Paginator(selectors.directive_sent_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page, "querystring_base": "", "today": timezone.localdate(),
        "can_send": has_any(request.user, Need.MANAGE),
    }
    return render(request, "directives/sent.html", context)


# ---------------------------------------------------------------------------------------------------------------
# The sender


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request):
    if request.GET.get("sender"):
        sender = access_organization(request.user, _int(request.GET["sender"]), need=Need.MANAGE)
    else:
        if not has_any(request.user, Need.MANAGE):
            raise PermissionDenied
        choices = list(selectors.sender_choices(request.user)[:201])
        if len(choices) != 1:  # several (or none): ask which organization sends
            return render(request, "directives/choose_sender.html", {
                "choices": choices[:200], "pick": selectors.sender_choices(request.user) if len(choices) > 200 else None})
        sender = choices[0]
    form = DirectiveForm(request.POST or None, request.FILES or None, sender=sender)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            directive = services.directive_send(
                actor=request.user, sender=sender, title=data["title"], body=data["body"], due_on=data["due_on"],
                recipients=list(data["recipients"]), subtree=data["whole_subtree"], kinds=data["kinds"],
                token=form.token, attachments=data["attachments"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The directive has been sent to %(n)s organizations.") % {
                "n": directive.recipients.count()})
            return redirect("directives:detail", pk=directive.pk)
    chosen = {str(pk) for pk in (form["recipients"].value() or [])}
    subordinates = list(selectors.subordinates(sender))
    for org in subordinates:
        org.indent = org.depth - sender.depth - 1
    context = {
        "form": form, "sender": sender, "subordinates": subordinates, "chosen": chosen,
        "chosen_kinds": set(form["kinds"].value() or []),
    }
    return render(request, "directives/form.html", context)


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
@require_GET
def detail_view(request, pk: int):
    """The sender's view: the directive and the live matrix of every recipient (the partial polls itself)."""
    directive = selectors.access_directive(request.user, pk, need=Need.READ)
    today = timezone.localdate()
    show = request.GET.get("show", "") if request.GET.get("show") in selectors.MATRIX_FILTERS else ""
    ack_due = selectors.ack_due_on(directive)
    counts = selectors.directive_counts(directive, today, ack_due=ack_due)
    count = counts[show] if show else counts["total"]
    rows = selectors.matrix_pages(directive, today=today, show=show, count=count, ack_due=ack_due, fields=matrix.FIELDS)
    page = CountedPaginator(rows, MATRIX_PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    page.object_list = matrix.matrix_rows(page.object_list)  # the page's one query (Paginator sliced it), as values
    State = services.State
    context = {
        "directive": directive, "counts": counts, "page_obj": page,
        "matrix": matrix.render(page.object_list, due_on=directive.due_on),
        "show": show, "querystring_base": _querystring(request), "today": today, "ack_due": ack_due,
        "can_manage": can(request.user, directive.sender, Need.MANAGE),
        # Only the full page lists them (the matrix's htmx refresh does not ask).
        "attachments": SimpleLazyObject(
            lambda: _removable(request.user, directive, selectors.directive_attachments(directive))),
        "attach_form": AttachForm() if directive.is_open and can(request.user, directive.sender, Need.MANAGE) else None,
        # Cumulative (selectors.REACHED): a recipient that completed counts as acknowledged and in progress too.
        "state_counts": [(value, State(value).label, counts[value])
                         for value in (State.ACKNOWLEDGED, State.IN_PROGRESS, State.COMPLETED)],
    }
    return render(request, partial_name(request, "directives/detail.html", "matrix"), context)


@login_required
@require_GET
def export_view(request, pk: int):
    """The matrix as .xlsx, with the page's filter (`show`) and the page's access (read on the sender)."""
    directive = selectors.access_directive(request.user, pk, need=Need.READ)
    show = request.GET.get("show", "") if request.GET.get("show") in selectors.MATRIX_FILTERS else ""
    rows = selectors.directive_matrix(directive, today=timezone.localdate(), show=show,
                                      ack_due=selectors.ack_due_on(directive))
    response = HttpResponse(exporting.export_matrix(directive, rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="directive-{directive.pk}.xlsx"'
    return response


@login_required
@require_POST
def remind_view(request, pk: int):
    directive = selectors.access_directive(request.user, pk, need=Need.MANAGE)
    try:
        n = services.directive_remind(actor=request.user, directive=directive)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if n:
            messages.success(request, _("A reminder has been sent to %(n)s organizations behind.") % {"n": n})
        else:
            messages.info(request, _("No one to remind: those behind have already been reminded today."))
    return redirect("directives:detail", pk=directive.pk)


@login_required
@require_POST
def close_view(request, pk: int):
    directive = selectors.access_directive(request.user, pk, need=Need.MANAGE)
    services.directive_close(actor=request.user, directive=directive)
    messages.success(request, _("The directive has been closed."))
    return redirect("directives:detail", pk=directive.pk)


@login_required
@require_POST
def withdraw_view(request, pk: int):
    directive = selectors.access_directive(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: services.directive_withdraw(actor=request.user, directive=directive),
                success=_("The directive has been withdrawn; its recipients have been told."))
    return redirect("directives:detail", pk=directive.pk)


# ---------------------------------------------------------------------------------------------------------------
# The recipient


def _recipient_page(request, recipient, *, action_form=None, complete_form=None, status: int = 200):
    can_manage = can(request.user, recipient.organization, Need.MANAGE) and recipient.directive.is_open
    today = timezone.localdate()
    ack_due = selectors.ack_due_on(recipient.directive)
    files = _removable(request.user, recipient.directive, selectors.recipient_attachments(recipient))
    paperwork = [a for a in files if a.recipient_id]
    actions = list(selectors.recipient_actions(recipient))
    for action in actions:
        action.files = [a for a in paperwork if a.action_id == action.pk]
    context = {
        "recipient": recipient, "directive": recipient.directive,
        "actions": actions,
        "tasks": selectors.recipient_tasks(recipient),
        "notice_files": [a for a in files if a.recipient_id is None],
        "paperwork": [a for a in paperwork if a.action_id is None],
        "attach_form": AttachForm() if can_manage else None,
        "can_manage": can_manage, "steps": RECIPIENTS.allowed(recipient.state),
        "can_see_matrix": can(request.user, recipient.directive.sender, Need.READ),
        "action_form": action_form or (ActionForm(organization=recipient.organization) if can_manage else None),
        "complete_form": complete_form or (CompleteForm() if can_manage else None),
        "today": today, "ack_due": ack_due,
        "recipient_behind": recipient.directive.is_open and recipient.is_behind(ack_due, today),
    }
    return render(request, "directives/recipient.html", context, status=status)


@login_required
@require_GET
def recipient_view(request, pk: int):
    recipient = selectors.access_recipient(request.user, pk, need=Need.READ)
    return _recipient_page(request, recipient)


@login_required
@require_POST
def acknowledge_view(request, pk: int):
    recipient = selectors.access_recipient(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: services.directive_acknowledge(actor=request.user, recipient=recipient),
                success=_("Receipt has been acknowledged."))
    return redirect("directives:recipient", pk=recipient.pk)


@login_required
@require_POST
def action_add_view(request, pk: int):
    recipient = selectors.access_recipient(request.user, pk, need=Need.MANAGE)
    form = ActionForm(request.POST, request.FILES, organization=recipient.organization)
    if form.is_valid():
        try:
            services.directive_action_add(actor=request.user, recipient=recipient, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action has been added."))
            return redirect("directives:recipient", pk=recipient.pk)
    return _recipient_page(request, recipient, action_form=form)


@login_required
@require_POST
def action_toggle_view(request, pk: int):
    action = selectors.access_action(request.user, pk, need=Need.MANAGE)
    try:
        services.directive_action_toggle(actor=request.user, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("directives:recipient", pk=action.recipient_id)


@login_required
@require_POST
def complete_view(request, pk: int):
    recipient = selectors.access_recipient(request.user, pk, need=Need.MANAGE)
    form = CompleteForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.directive_complete(
                actor=request.user, recipient=recipient, answer=form.cleaned_data["answer"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Completion has been reported to %(sender)s.") % {
                "sender": recipient.directive.sender.name})
            return redirect("directives:recipient", pk=recipient.pk)
    return _recipient_page(request, recipient, complete_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def task_add_view(request, pk: int):
    """Make the directive a task of the organization's own annual plan (this year's), with the plans app's task
    form and service; without a plan for the year, say so and offer to write one."""

    recipient = selectors.access_recipient(request.user, pk, need=Need.MANAGE)
    directive, org = recipient.directive, recipient.organization
    today = timezone.localdate()
    plan = Plan.objects.filter(organization=org, year=today.year).first()
    initial = {"title": directive.title, "due_on": directive.due_on, "start_on": min(today, directive.due_on)}
    form = DirectiveTaskForm(request.POST or None, organization=org, year=today.year, initial=initial)
    if request.method == "POST" and plan is not None and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        data["token"] = data.get("token") or ""
        data["cooperating"] = list(data.get("cooperating") or [])
        try:
            task = services.directive_task_add(actor=request.user, recipient=recipient, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The task has been added to %(plan)s.") % {"plan": task.plan_item.plan.title})
            return redirect("directives:recipient", pk=recipient.pk)
    context = {"recipient": recipient, "directive": directive, "plan": plan, "year": today.year, "form": form,
               "can_add": directive.is_open and not recipient.is_completed,
               "has_items": plan is not None and form.fields["plan_item"].queryset.exists()}
    return render(request, "directives/task_form.html", context)


# ---------------------------------------------------------------------------------------------------------------
# Attachments


def _removable(user, directive, attachments: list) -> list:
    """Mark the files the user may remove: their own, on an open directive (the service checks again)."""
    for attachment in attachments:
        attachment.removable = directive.is_open and attachment.uploaded_by_id == user.pk
    return attachments


@login_required
@require_POST
def attach_view(request, pk: int):
    """The sender adds files to an open directive (a template forgotten at sending)."""
    directive = selectors.access_directive(request.user, pk, need=Need.MANAGE)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        run_service(request, lambda: services.directive_attach(
            actor=request.user, directive=directive, attachments=form.cleaned_data["attachments"],
            token=form.token), success=_("The files have been attached."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("directives:detail", pk=directive.pk)


@login_required
@require_POST
def recipient_attach_view(request, pk: int):
    """A receiving organization adds its paperwork (a sign-in sheet, a ledger) while the directive is open."""
    recipient = selectors.access_recipient(request.user, pk, need=Need.MANAGE)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        run_service(request, lambda: services.directive_attach(
            actor=request.user, directive=recipient.directive, recipient=recipient,
            attachments=form.cleaned_data["attachments"], token=form.token),
            success=_("The files have been attached."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("directives:recipient", pk=recipient.pk)


@login_required
@require_GET
def attachment_view(request, pk: int):
    return attachment_response(selectors.access_attachment(request.user, pk, need=Need.READ))


@login_required
@require_POST
def attachment_remove_view(request, pk: int):
    attachment = selectors.access_attachment(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: services.directive_attachment_remove(actor=request.user, attachment=attachment),
                success=_("The attachment has been removed."))
    if attachment.recipient_id:
        return redirect("directives:recipient", pk=attachment.recipient_id)
    return redirect("directives:detail", pk=attachment.directive_id)
