"""A throwaway app, installed only by the test settings: it produces a record kind of its own and consumes records,
declaring both in its hooks alone, with no change to any other app (the kernel's "direction" test)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.registry import Consumer, Hooks, RecordKind


class ProbeConfig(AppConfig):
    name = "chuxin.records.tests.probe"
    label = "records_probe"
    hooks = Hooks(
        record_kinds=(
            RecordKind("probe_lesson_held", _("a probe lesson held"), payload={"hours": int},
                       fact=_("Probe lessons held"), fact_order=5, fact_sentence=_("%(n)s probe lessons held")),
        ),
        facts_label=_("Probe lessons"),
        consumers=(Consumer(("probe_lesson_held", "task_done"), "chuxin.records.tests.probe.consumer.count"),),
    )
