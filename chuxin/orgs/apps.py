from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Hooks, NavEntry, RecordKind


class OrgsConfig(AppConfig):
    name = "chuxin.orgs"
    label = "orgs"
    hooks = Hooks(
        record_kinds=(
            # A person takes a seat on a committee (or the seat's holder or dates change): responsibility lists
            # react to it. Keyed by holder and year, so a new holder of the same seat is a new record.
            RecordKind("position_taken", _("a committee seat taken"), payload={"post": str, "year": int}),
        ),
        navigation=(
            NavEntry("orgs:tree", _("Organizations"), "diagram-3", Need.READ, "org", 110),
            NavEntry("orgs:work-units", _("Work units"), "building", Need.READ, "org", 130),
            NavEntry("orgs:partners", _("Partner units"), "people-fill", Need.READ, "org", 140),
        ),
    )
