from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from chuxin.core import registry
from chuxin.core.access import has_any

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
    """The side navigation, worked out only when a template shows it: an htmx fragment (an answer, a badge)
    renders without the layout and so costs neither the rights' queries nor the links."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_items": SimpleLazyObject(lambda: _navigation(request, user))}


def _navigation(request, user) -> list[dict]:
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    last_section = ""
    # Every app declares its entries in its hooks (chuxin.core.registry.NavEntry), with its order and section.
    entries = sorted(registry.navigation(), key=lambda e: (_RANK.get(e.section, len(_RANK) - 1), e.order))
    for entry in entries:
        name, label, icon, need, section = entry.url_name, entry.label, entry.icon, entry.need, entry.section
        if need is None or has_any(user, need):
            heading = SECTIONS.get(section) if section != last_section else None
            last_section = section
            items.append({"url": reverse(name), "label": label, "icon": icon, "active": False, "heading": heading,
                          "name": name})
    active = _active_entry(current, [item["name"] for item in items])
    for item in items:
        item["active"] = item["name"] == active
    return items


def _stem(url_name: str) -> str:
    # "work-units", "work-unit-edit" -> "work"; "partners", "partner-create" -> "partner"
    return url_name.split("-")[0].removesuffix("s")


def _active_entry(current: str, names: list[str]) -> str | None:
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
