from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Hooks, NavEntry


class MembersConfig(AppConfig):
    name = "chuxin.members"
    label = "members"
    hooks = Hooks(
        # An active member file gives its holder the member's standing on their organization.
        standings="chuxin.members.access.member_standings",
        navigation=(NavEntry("members:list", _("Members"), "people", Need.READ, "org", 120),),
        housekeeping=("chuxin.members.importing.previews_expire",),  # checked imports never confirmed
        matrix_routes="chuxin.members.tests.matrix_routes.routes",
    )
