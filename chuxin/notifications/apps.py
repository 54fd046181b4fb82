from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "chuxin.notifications"
    label = "notifications"
