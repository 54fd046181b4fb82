from django.apps import AppConfig

from chuxin.core.registry import Hooks
from chuxin.core.rules import POINTS_ENABLED, RANKINGS_ENABLED


class CoreConfig(AppConfig):
    name = "chuxin.core"
    label = "core"
    # The feature switches are the kernel's: every capability that could rank or score people reads them.
    hooks = Hooks(rules=(POINTS_ENABLED, RANKINGS_ENABLED))

    def ready(self) -> None:
        from . import lookups

        lookups.register()
