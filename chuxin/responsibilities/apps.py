from django.apps import AppConfig


class ResponsibilitiesConfig(AppConfig):
    name = "chuxin.responsibilities"
    label = "responsibilities"
