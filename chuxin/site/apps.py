from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.access import Need
from chuxin.core.registry import Demo, Hooks, NavEntry, RecordKind, WorkbenchKind


class SiteConfig(AppConfig):
    name = "chuxin.site"
    label = "site"
    verbose_name = _("Public site")
    hooks = Hooks(
        # An article published on the public site: publicity work, counted in the reports.
        record_kinds=(RecordKind("site_article_published", _("articles published on the public site"),
                                 payload={"kind": str}, fact=_("Articles published on the public site"),
                                 fact_order=80),),
        facts_label=_("Public site"),
        facts_order=80,
        workbench="chuxin.site.workbench.workbench_items",
        workbench_probe="chuxin.site.workbench.workbench_probe",
        workbench_kinds=(WorkbenchKind("site", _("Public site"), "globe", order=80),),
        demo=Demo("chuxin.site.demo.seed_demo_data", after=("orgs", "members")),
        navigation=(NavEntry("site:manage", _("Public site"), "globe", Need.READ, "communication", 80),),
        matrix_routes="chuxin.site.tests.matrix_routes.routes",
    )
