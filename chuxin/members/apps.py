from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "chuxin.members"
    label = "members"
