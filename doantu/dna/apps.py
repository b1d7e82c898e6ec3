from django.apps import AppConfig


class DnaConfig(AppConfig):
    name = "doantu.dna"
    label = "dna"
    verbose_name = "Mẫu ADN tham chiếu của thân nhân"

    def ready(self):
        # Registers this domain's words for the audit timeline (doantu.audit.labels).
        from . import services  # noqa: F401
