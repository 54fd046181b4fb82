from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "chuxin.directives"
    label = "directives"
