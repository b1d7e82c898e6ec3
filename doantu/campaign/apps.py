from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "doantu.campaign"
    label = "campaign"
    verbose_name = "Chiến dịch"
