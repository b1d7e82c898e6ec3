from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "doantu.indicators"
    label = "indicators"
    verbose_name = "Chỉ số"

    def ready(self):
        # Every installed app's ``indicators.py`` registers its figures (like admin.py for the admin site).
        from .registry import autodiscover

        autodiscover()
