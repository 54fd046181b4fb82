from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "chuxin.reports"
    label = "reports"
