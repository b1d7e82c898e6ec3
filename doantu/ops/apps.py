from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "doantu.ops"
    label = "ops"
    verbose_name = "Vận hành (sao lưu, khôi phục)"
