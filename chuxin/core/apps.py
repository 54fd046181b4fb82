from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chuxin.core"
    label = "core"

    def ready(self) -> None:
        from . import lookups

        lookups.register()
