from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "doantu.tips"
    label = "tips"
    verbose_name = "Tiếp nhận thông tin"
