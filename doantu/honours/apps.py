from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "doantu.honours"
    verbose_name = "Biểu dương, khen thưởng"
    default_auto_field = "django.db.models.BigAutoField"
