from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "doantu.registry"
    label = "registry"
    verbose_name = "Sổ liệt sĩ, mộ liệt sĩ, thân nhân"

    def ready(self):
        # Registers this domain's words for the audit timeline (doantu.audit.labels).
        from . import services  # noqa: F401
