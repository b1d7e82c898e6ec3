from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "doantu.web"
    label = "web"
    verbose_name = "Giao diện"
