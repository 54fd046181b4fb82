from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "chuxin.audit"
    label = "audit"
