from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Hooks, NavEntry


class PortalConfig(AppConfig):
    """The top of the house: home, "Me", the navigation and the demo commands. It may import any app."""

    name = "chuxin.portal"
    label = "portal"
    hooks = Hooks(
        navigation=(
            NavEntry("portal:home", _("Home"), "house", None, "", 0),
            # The summary of a subtree's work: for anyone who may read one (a superior viewer first of all).
            NavEntry("portal:summary", _("Work summary"), "speedometer2", Need.READ, "work", 15),
            NavEntry("portal:me", _("Me"), "person-circle", None, "me", 1000),
        ),
    )
