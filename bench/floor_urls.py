"""The benchmark's URLconf: the site's own, plus the floor, a bare logged-in view every page is compared with.

The floor goes through the same middleware as every page (session, login, CSRF, locale, security headers) and
does nothing else: what Django costs on this machine for a logged-in request, measured in the same run as the
pages, so a page's time reads as a multiple of it rather than in milliseconds that depend on the machine and
its load.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def floor_view(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/floor/", floor_view),
    path("", include("config.urls")),
]
