from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "doantu.reports"
    label = "reports"
    verbose_name = "Báo cáo, bảng số liệu"

    def ready(self):
        from . import services  # noqa: F401  (registers the audit words)
