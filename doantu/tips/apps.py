from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "doantu.tips"
    label = "tips"
    verbose_name = "Tiếp nhận thông tin"

    def ready(self):
        # Registers this domain's words for the audit timeline (doantu.audit.labels).
        from . import services  # noqa: F401
