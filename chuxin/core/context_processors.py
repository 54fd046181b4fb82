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
            namespace = name.split(":")[0]
            active = current == name or (current.startswith(namespace + ":") and name.split(":")[1] in current)
            heading = SECTIONS.get(section) if section != last_section else None
            last_section = section
            items.append({"url": reverse(name), "label": label, "icon": icon, "active": active, "heading": heading,
                          "name": name})
    return {"nav_items": items}
