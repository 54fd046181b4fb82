from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "chuxin.orgs"
    label = "orgs"
