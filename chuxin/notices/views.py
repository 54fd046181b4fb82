"""Pages of notices, member groups and robots. Thin: access, form, service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.access import Need, has_any
from chuxin.core.attachments import attachment_response
from chuxin.core.forms import add_service_errors, run_service
from chuxin.orgs.selectors import access_organization

from . import selectors, services
from .forms import CustomGroupForm, MessageForm, NoticeForm, QuietHoursForm, RobotForm
from .models import Message, Robot

PAGE_SIZE = 30


def _int(value, default: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if 0 < number < 2**63 else default


def _organization(request, next_name: str):
    """The organization named in ?organization= (MANAGE), the only one the user manages, or a page to choose."""
    if request.GET.get("organization"):
        return access_organization(request.user, _int(request.GET["organization"]) or None, need=Need.MANAGE), None
    if not has_any(request.user, Need.MANAGE):
        raise PermissionDenied
    choices = list(selectors.manageable_organizations(request.user).order_by("path")[:201])
    if len(choices) == 1:
        return choices[0], None
    return None, render(request, "notices/choose.html", {
        "choices": choices[:200], "next": next_name,
        "pick": selectors.manageable_organizations(request.user).order_by("path") if len(choices) > 200 else None})


# ---------------------------------------------------------------------------------------------------------------
# Notices


@login_required
@require_GET
def list_view(request):
    page = Paginator(selectors.received(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page_obj": page, "tab": "received",
                                                 "can_send": has_any(request.user, Need.MANAGE)})


@login_required
@require_GET
def sent_view(request):
    if not has_any(request.user, Need.MANAGE):
        raise PermissionDenied
    page = Paginator(selectors.sent(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page_obj": page, "tab": "sent", "can_send": True})


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request):
    org, page = _organization(request, "notices:create")
    if page is not None:
        return page
    form = NoticeForm(request.POST or None, request.FILES or None, organization=org)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("token", None)
        try:
            notice = services.notice_send(actor=request.user, organization=org, token=form.token, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The notice has been sent to %(n)s people.") % {"n": notice.recipient_count})
            return redirect("notices:matrix", pk=notice.pk)
    return render(request, "notices/form.html", {"form": form, "organization": org})


@login_required
@require_GET
def detail_view(request, pk: int):
    notice = selectors.access_notice(request.user, pk, need=Need.READ)
    row = selectors.recipient_row(request.user, notice)
    if row is not None:  # opening is reading: the recipient's first open is recorded
        row = services.notice_open(user=request.user, notice=notice)
    context = {"notice": notice, "row": row, "attachments": selectors.notice_attachments(notice),
               "can_manage": selectors.access.can(request.user, notice.organization, Need.MANAGE),
               "to_organizations": list(notice.to_organizations.all())}
    return render(request, "notices/detail.html", context)


@login_required
@require_POST
def confirm_view(request, pk: int):
    notice = selectors.access_notice(request.user, pk, need=Need.READ)
    if selectors.recipient_row(request.user, notice) is None:
        raise PermissionDenied
    run_service(request, lambda: services.notice_confirm(user=request.user, notice=notice),
                success=_("Thank you: the sender can see you have got it."))
    return redirect("notices:detail", pk=notice.pk)


@login_required
@require_GET
def matrix_view(request, pk: int):
    notice = selectors.access_notice(request.user, pk, need=Need.MANAGE)
    show = "unconfirmed" if request.GET.get("show") == "unconfirmed" and notice.needs_confirmation else "unread"
    organization_id = _int(request.GET.get("organization"))
    matrix = selectors.read_matrix(notice, show=show, organization_id=organization_id,
                                   after=_int(request.GET.get("after")))
    return render(request, "notices/matrix.html", {"notice": notice, "matrix": matrix, "show": show,
                                                   "organization_id": organization_id})


@login_required
@require_POST
def remind_view(request, pk: int):
    notice = selectors.access_notice(request.user, pk, need=Need.MANAGE)
    try:
        n = services.notice_remind(actor=request.user, notice=notice)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(n)s people who have not read it were reminded, each privately.") % {"n": n})
    return redirect("notices:matrix", pk=notice.pk)


@login_required
@require_GET
def attachment_view(request, pk: int):
    return attachment_response(selectors.access_notice_attachment(request.user, pk))


# ---------------------------------------------------------------------------------------------------------------
# Member groups


@login_required
@require_GET
def groups_view(request):
    return render(request, "notices/groups.html", {"entries": services.my_groups(request.user),
                                                   "can_make": has_any(request.user, Need.MANAGE),
                                                   "quiet": selectors.quiet_hours_of(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def group_create_view(request):
    org, page = _organization(request, "notices:group-create")
    if page is not None:
        return page
    form = CustomGroupForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.custom_group_create(actor=request.user, organization=org, name=form.cleaned_data["name"],
                                                 people=form.cleaned_data["people"], token=form.token)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("notices:group", pk=group.pk)
    return render(request, "notices/group_form.html", {"form": form, "organization": org})


def _group_context(request, group, form=None):
    page, more = selectors.latest_messages(group)
    if page:
        services.group_mark_read(user=request.user, group=group, last_id=page[-1].pk)
    return {"group": group, "messages_page": page, "more": more, "form": form or MessageForm(),
            "last_id": page[-1].pk if page else 0, "first_id": page[0].pk if page else 0,
            "people_count": selectors.group_people(group).count()}


@login_required
@require_http_methods(["GET", "POST"])
def group_view(request, pk: int):
    group = selectors.access_group(request.user, pk)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            reply_to = None
            if form.cleaned_data.get("reply_to"):
                reply_to = Message.objects.filter(pk=form.cleaned_data["reply_to"], group=group).first()
            try:
                services.message_post(actor=request.user, group=group, text=form.cleaned_data["text"],
                                      reply_to=reply_to, attachments=form.cleaned_data["attachments"],
                                      token=form.token)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if request.htmx:
                    return _new_messages(request, group, _int(request.POST.get("after")), form=MessageForm())
                return redirect("notices:group", pk=group.pk)
        if request.htmx:  # the errors in the composer; the list stays as it is
            return _new_messages(request, group, _int(request.POST.get("after")), form=form, rows=False)
    return render(request, "notices/group.html", _group_context(request, group, form if form.is_bound else None))


def _new_messages(request, group, after: int, *, form=None, rows: bool = True):
    """The messages after `after` and the poller that asks again; after a post, the composer too (out of band)."""
    found = selectors.new_messages(group, after) if rows else []
    if found:
        services.group_mark_read(user=request.user, group=group, last_id=found[-1].pk)
    last = found[-1].pk if found else after
    context = {"group": group, "rows": found, "last_id": last, "form": form, "oob": True}
    return render(request, "notices/group.html#new", context)


@login_required
@require_GET
def messages_view(request, pk: int):
    """htmx: the messages after ?after= (the poll every few seconds), or the page before ?before= (older)."""
    group = selectors.access_group(request.user, pk)
    if request.GET.get("before"):
        rows, more = selectors.latest_messages(group, before=_int(request.GET["before"]) or 1)
        return render(request, "notices/group.html#older", {"group": group, "messages_page": rows, "more": more,
                                                              "first_id": rows[0].pk if rows else 0})
    return _new_messages(request, group, _int(request.GET.get("after")))


@login_required
@require_GET
def search_view(request, pk: int):
    group = selectors.access_group(request.user, pk)
    query = request.GET.get("q", "")[:100]
    return render(request, "notices/search.html", {"group": group, "q": query,
                                                   "results": selectors.search_messages(group, query)})


@login_required
@require_GET
def message_attachment_view(request, pk: int):
    return attachment_response(selectors.access_message_attachment(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def quiet_view(request):
    quiet = selectors.quiet_hours_of(request.user)
    form = QuietHoursForm(request.POST or None, initial={"start": quiet.start, "end": quiet.end} if quiet else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.quiet_hours_set(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your quiet hours are saved."))
            return redirect("notices:groups")
    return render(request, "notices/quiet.html", {"form": form})


# ---------------------------------------------------------------------------------------------------------------
# Robots


@login_required
@require_GET
def robots_view(request):
    if not has_any(request.user, Need.MANAGE):
        raise PermissionDenied
    return render(request, "notices/robots.html", {"robots": list(selectors.robot_list(request.user)[:200])})


@login_required
@require_http_methods(["GET", "POST"])
def robot_create_view(request):
    org, page = _organization(request, "notices:robot-create")
    if page is not None:
        return page
    form = RobotForm(request.POST or None, initial={"platform": "dingtalk"})
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in RobotForm.Meta.fields if k != "enabled"}
        try:
            robot = services.robot_connect(actor=request.user, organization=org, token=form.token, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The robot is connected. Send a test message to check it."))
            return redirect("notices:robot", pk=robot.pk)
    return render(request, "notices/robot_form.html", {"form": form, "organization": org, "robot": None})


@login_required
@require_http_methods(["GET", "POST"])
def robot_view(request, pk: int):
    robot = selectors.access_robot(request.user, pk)
    form = RobotForm(request.POST or None, instance=robot)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in RobotForm.Meta.fields if k != "platform"}
        try:
            services.robot_update(actor=request.user, robot=Robot.objects.get(pk=robot.pk), **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("notices:robot", pk=robot.pk)
    return render(request, "notices/robot_form.html", {"form": form, "organization": robot.organization,
                                                       "robot": robot, "pushes": selectors.robot_pushes(robot)})


@login_required
@require_POST
def robot_test_view(request, pk: int):
    robot = selectors.access_robot(request.user, pk)
    run_service(request, lambda: services.robot_test(actor=request.user, robot=robot),
                success=_("The test message was sent; its result is in the list below."))
    return redirect("notices:robot", pk=robot.pk)


@login_required
@require_POST
def push_retry_view(request, pk: int):
    push = selectors.access_push(request.user, pk)
    run_service(request, lambda: services.push_retry(actor=request.user, push=push),
                success=_("The push is queued again."))
    return redirect("notices:robot", pk=push.robot_id)


