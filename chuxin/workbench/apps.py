from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "chuxin.workbench"
    label = "workbench"
