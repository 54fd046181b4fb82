from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import Need, has_any

# (url name, label, icon, the least a user needs somewhere to see the entry)
NAV = (
    ("core:home", _("Home"), "house", None),
    ("orgs:tree", _("Organizations"), "diagram-3", Need.READ),
    ("members:list", _("Members"), "people", Need.READ),
    ("orgs:work-units", _("Work units"), "building", Need.READ),
    ("orgs:partners", _("Partner units"), "people-fill", Need.READ),
    ("audit:list", _("Audit log"), "journal-text", Need.ADMIN),
    ("core:me", _("Me"), "person-circle", None),
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for name, label, icon, need in NAV:
        if need is None or has_any(user, need):
            namespace = name.split(":")[0]
            active = current == name or (current.startswith(namespace + ":") and name.split(":")[1] in current)
            items.append({"url": reverse(name), "label": label, "icon": icon, "active": active})
    return {"nav_items": items}
