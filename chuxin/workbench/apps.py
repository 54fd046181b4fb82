from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.registry import Demo, Hooks, NavEntry


class WorkbenchConfig(AppConfig):
    name = "chuxin.workbench"
    label = "workbench"
    hooks = Hooks(
        demo=Demo("chuxin.workbench.demo.seed_demo_data"),
        navigation=(NavEntry("workbench:home", _("My workbench"), "inbox", None, "", 10),),
        matrix_routes="chuxin.workbench.tests.matrix_routes.routes",
    )
