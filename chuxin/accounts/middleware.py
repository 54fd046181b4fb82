from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """Until a user with a one-time password picks their own, every page leads to the password form."""

    ALLOWED = ("accounts:password_change", "accounts:logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed_paths: set[str] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            if self._allowed_paths is None:
                self._allowed_paths = {reverse(name) for name in self.ALLOWED}
            path = request.path_info
            if path not in self._allowed_paths and not path.startswith(("/static/", "/healthz")):
                if getattr(request, "htmx", False):
                    # A fragment the page loads by itself (a badge): nothing to show until the password is set.
                    return HttpResponse(status=204)
                return redirect("accounts:password_change")
        return self.get_response(request)


class HtmxLoginRedirectMiddleware:
    """When a session ends, an htmx fragment request would be redirected to the login page and htmx would
    swap the whole login page into a badge. Tell htmx to navigate the whole window there instead."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.login_url = resolve_url(settings.LOGIN_URL)

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response["Location"].split("?")[0] == self.login_url
        ):
            return HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
        return response
