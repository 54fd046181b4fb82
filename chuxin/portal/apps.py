from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.registry import Hooks, NavEntry


class PortalConfig(AppConfig):
    """The top of the house: home, "Me", the navigation and the demo commands. It may import any app."""

    name = "chuxin.portal"
    label = "portal"
    hooks = Hooks(
        navigation=(
            NavEntry("portal:home", _("Home"), "house", None, "", 0),
            NavEntry("portal:me", _("Me"), "person-circle", None, "me", 1000),
        ),
    )
