from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Hooks, NavEntry


class AuditConfig(AppConfig):
    name = "chuxin.audit"
    label = "audit"
    hooks = Hooks(
        navigation=(NavEntry("audit:list", _("Audit log"), "journal-text", Need.ADMIN, "org", 150),),
    )
