from django.shortcuts import redirect
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
                return redirect("accounts:password_change")
        return self.get_response(request)
