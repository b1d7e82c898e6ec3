from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "doantu.audit"
    label = "audit"
    verbose_name = "Nhật ký thay đổi"
