from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chuxin.core.htmx import partial_name

from .selectors import access_notification, grouped, notification_list, unread_count
from .services import is_local_path, notification_mark_read, notifications_mark_all_read

CHANGED = "notifications-changed"  # the htmx event that refreshes the bell's badge


@login_required
@require_GET
def list_view(request):
    return _list(request)


def _list(request):
    """The list page, or its results partial for htmx; mark_all_read answers an htmx POST with it too.
    Notifications of one kind within an hour are one row (a group never spans two pages); the unread count is the
    bell's."""
    show = "unread" if request.GET.get("show") == "unread" else "all"
    page = Paginator(notification_list(request.user, unread_only=show == "unread"), 30).get_page(
        request.GET.get("page")
    )
    context = {"page_obj": page, "groups": grouped(page.object_list), "unread": unread_count(request.user),
               "show": show, "querystring_base": "show=unread&" if show == "unread" else ""}
    return render(request, partial_name(request, "notifications/list.html", "results"), context)


@login_required
@require_GET
def open_view(request, pk: int):
    """Mark the notification read and go where the recipient acts; only ever to a path on this site."""
    notification = notification_mark_read(user=request.user, notification=access_notification(request.user, pk))
    return redirect(notification.url if is_local_path(notification.url) else "notifications:list")


@require_POST
@login_required
def mark_all_read_view(request):
    notifications_mark_all_read(user=request.user)
    if request.htmx:  # the message is read out in the live region (HtmxMessagesMiddleware, chuxin.js)
        messages.success(request, _("All notifications are marked read."))
        response = _list(request)
        response["HX-Trigger"] = CHANGED
        return response
    return redirect("notifications:list")


@login_required
@require_GET
def badge_view(request):
    """The unread count for the bell in the top bar, fetched by htmx so pages pay no query for it. Rendered
    without the request's context processors: the bell needs one COUNT, not the navigation's queries."""
    return HttpResponse(render_to_string("notifications/badge.html", {"unread": unread_count(request.user)}))
