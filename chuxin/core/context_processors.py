from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import Need, has_any

# (url name, label, icon, the least a user needs somewhere to see the entry, section)
NAV = (
    ("core:home", _("Home"), "house", None, ""),
    ("workbench:home", _("My workbench"), "inbox", None, ""),
    ("plans:list", _("Annual plans"), "calendar2-check", Need.READ, "work"),
    ("directives:inbox", _("Directives from above"), "megaphone", Need.READ, "work"),
    ("reports:mine", _("Periodic reports"), "file-earmark-text", None, "work"),
    ("responsibilities:mine", _("Responsibility lists"), "list-check", None, "work"),
    ("responsibilities:overview-start", _("Responsibility overview"), "clipboard-data", Need.READ, "work"),
    ("orgs:tree", _("Organizations"), "diagram-3", Need.READ, "org"),
    ("members:list", _("Members"), "people", Need.READ, "org"),
    ("orgs:work-units", _("Work units"), "building", Need.READ, "org"),
    ("orgs:partners", _("Partner units"), "people-fill", Need.READ, "org"),
    ("audit:list", _("Audit log"), "journal-text", Need.ADMIN, "org"),
    ("core:me", _("Me"), "person-circle", None, "me"),
)
SECTIONS = {"work": _("Work"), "org": _("Organization and members")}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    last_section = ""
    for name, label, icon, need, section in NAV:
        if need is None or has_any(user, need):
            heading = SECTIONS.get(section) if section != last_section else None
            last_section = section
            items.append({"url": reverse(name), "label": label, "icon": icon, "active": False, "heading": heading,
                          "name": name})
    active = _active_entry(current, [item["name"] for item in items])
    for item in items:
        item["active"] = item["name"] == active
    return {"nav_items": items}


def _stem(url_name: str) -> str:
    # "work-units", "work-unit-edit" -> "work"; "partners", "partner-create" -> "partner"
    return url_name.split("-")[0].removesuffix("s")


def _active_entry(current: str, names: list[str]) -> str | None:
    """The one entry to highlight: the page itself, else its namesake in the app, else the app's first entry.

    One entry only: a substring test lit up both "core:home" and "core:me" on the home page.
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
