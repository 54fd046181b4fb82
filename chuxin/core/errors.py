"""Error pages in the user's language, inside the normal layout when possible."""

from django.shortcuts import render


def _page(request, status: int):
    return render(request, f"errors/{status}.html", status=status)


def bad_request(request, exception=None):
    return _page(request, 400)


def permission_denied(request, exception=None):
    return _page(request, 403)


def page_not_found(request, exception=None):
    return _page(request, 404)


def server_error(request):
    # No context processors or database here: the failure may be the database itself.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("errors/500.html").render())
