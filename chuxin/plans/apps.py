from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "chuxin.plans"
    label = "plans"
