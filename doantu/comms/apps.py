from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "doantu.comms"
    label = "comms"
    verbose_name = "Truyền thông"

    def ready(self):
        # Registers this domain's words for the audit timeline (doantu.audit.labels).
        from . import services  # noqa: F401
