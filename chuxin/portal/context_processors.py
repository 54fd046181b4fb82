import functools

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chuxin.core import registry
from chuxin.core.access import standings
from chuxin.notifications.selectors import unread_count
from chuxin.workbench.selectors import kept_open_count

# The side navigation's sections, in this order; within a section the entries' own order. An app names its
# section in its NavEntry; "" (home, the workbench) comes first and "me" last, without a heading.
SECTIONS = {
    "": None,
    "work": _("Work"),
    "life": _("Organizational life and activities"),
    "learning": _("Learning"),
    "communication": _("Notices and publicity"),
    "membership": _("Party membership work"),
    "org": _("Organization and members"),
    "me": None,
}
_RANK = {name: rank for rank, name in enumerate(SECTIONS)}


def navigation(request):
    """The side navigation as HTML (`{{ navigation }}` in base.html), drawn when a page shows it: an htmx
    partial, which never does, costs nothing here."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    badges = Badges(request)
    return {"navigation": Navigation(request, badges), "badges": badges}


class Badges:
    """The two counts every page shows (the bell's unread notifications, the workbench entry's open work), drawn
    into the page itself when the open work's count is known without counting (kept since it was last counted and
    nothing written since: chuxin.workbench.selectors.kept_open_count), which is most page views: one request a
    page view instead of two, and the counts there as the page appears, not a moment after. When the count would
    have to be counted (a first visit, a write since), the page is drawn without it and the bell asks for both
    (portal:badges) as it loads, so no page ever waits for a gathering of the workbench. Nothing is asked until
    base.html reads `badges.shown`; an htmx partial, which draws no base.html, costs nothing."""

    def __init__(self, request):
        self._user = request.user

    @cached_property
    def shown(self) -> bool:
        return self.count is not None

    @cached_property
    def count(self) -> int | None:
        return kept_open_count(self._user)

    @cached_property
    def unread(self) -> int:
        return unread_count(self._user)

    def workbench_html(self) -> str:
        return render_to_string("workbench/badge.html", {"count": self.count})


class Navigation:
    """The entries a user sees depend only on the strongest standing they hold anywhere (an entry asks for at
    least a need somewhere: `has_any`), the language and where the site is mounted; their HTML is drawn once per
    combination in each process (`_menu`) and only the current page's entry is marked at each request. A new
    role changes the strongest standing and so the key: nothing to invalidate. Drawn this way the navigation
    costs ~0.05 ms a page instead of ~3 ms (40 entries, each a reverse(), a translation and a dozen template
    lookups)."""

    def __init__(self, request, badges: Badges | None = None):
        self._request = request
        self._badges = badges
        self._html: SafeString | None = None

    def __html__(self) -> SafeString:
        if self._html is None:
            request = self._request
            rank = max((s.rank for s in standings(request.user)), default=0)
            urlconf = get_urlconf() or settings.ROOT_URLCONF
            names, plain, active = _menu(rank, get_language(), get_script_prefix(), urlconf)
            match = request.resolver_match
            current = _active_entry(match.view_name if match else "", names)
            html = "\n".join(active[i] if name == current else plain[i] for i, name in enumerate(names))
            if self._badges is not None and self._badges.shown:  # the count drawn in (Badges); else the bell's
                html = html.replace(WORKBENCH_COUNT, WORKBENCH_COUNT.replace("></", f">{self._badges.workbench_html()}</"))
            self._html = mark_safe(html)  # noqa: S308  (every part drawn by format_html in _menu or a template)
        return self._html

    __str__ = __html__


Strings = tuple[str, ...]
WORKBENCH_COUNT = '<span id="cx-workbench-count" data-cx-count="workbench"></span>'


@functools.lru_cache(maxsize=64)
def _menu(rank: int, language: str, prefix: str, urlconf: str) -> tuple[Strings, Strings, Strings]:
    """(url names, each entry's HTML, each entry's HTML when it is the current page's) for a user whose strongest
    standing is `rank`, in the active `language` (the key: labels are translated here). `prefix` and `urlconf`
    are in the key because the links are reversed here."""
    # Every app declares its entries in its hooks (chuxin.core.registry.NavEntry), with its order and section.
    entries = sorted(registry.navigation(), key=lambda e: (_RANK.get(e.section, len(_RANK) - 1), e.order))
    names, plain, active = [], [], []
    last_section = ""
    for entry in entries:
        if entry.need is not None and rank < entry.need:
            continue
        heading = SECTIONS.get(entry.section) if entry.section != last_section else None
        last_section = entry.section
        head = format_html('<div class="cx-nav-heading">{}</div>\n', heading) if heading else ""
        # Filled in the page when the count is known (Badges), else by the bell's request (portal:badges, out of
        # band): one request for both counts.
        badge = mark_safe(" " + WORKBENCH_COUNT) if entry.url_name == "workbench:home" else ""  # noqa: S308
        url = reverse(entry.url_name)
        for marked, found in ((False, plain), (True, active)):
            found.append(format_html(
                '{}<a class="nav-link cx-nav-link{}" href="{}"{}><i class="bi bi-{} me-2"></i>{}{}</a>',
                head, " active" if marked else "", url, mark_safe(' aria-current="page"') if marked else "",
                entry.icon, entry.label, badge,
            ))
        names.append(entry.url_name)
    return tuple(names), tuple(plain), tuple(active)


def _stem(url_name: str) -> str:
    # "work-units", "work-unit-edit" -> "work"; "partners", "partner-create" -> "partner"
    return url_name.split("-")[0].removesuffix("s")


def _active_entry(current: str, names: list[str] | tuple[str, ...]) -> str | None:
    """The one entry to highlight: the page itself, else its namesake in the app, else the app's first entry.

    One entry only: a substring test lit up both "portal:home" and "portal:me" on the home page.
    """
    if current in names:
        return current
    namespace, _sep, url_name = current.partition(":")
    siblings = [name for name in names if name.split(":")[0] == namespace]
    for name in siblings:
        if _stem(name.split(":")[1]) == _stem(url_name):
            return name
    return siblings[0] if siblings else None


def browser(request):
    """What the pages adapt to in the visitor's browser. WeChat's built-in browser (its user agent says
    MicroMessenger) cannot download files or open webcal: links; pages say so beside such links. No query."""
    return {"in_wechat": "MicroMessenger" in request.META.get("HTTP_USER_AGENT", "")}
