from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "doantu.watch"
    verbose_name = "Theo dõi thông tin sai sự thật"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import links

        links._register_comms()
