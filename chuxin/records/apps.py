from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """The work-record stream (工作纪实): the kernel's one path of "collect once". It declares no hooks of its
    own: the apps that produce work declare their record kinds, the apps that read it their consumers."""

    name = "chuxin.records"
    label = "records"
    default_auto_field = "django.db.models.BigAutoField"
