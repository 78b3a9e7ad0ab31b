from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "gonghui.audit"
    verbose_name = "审计"
