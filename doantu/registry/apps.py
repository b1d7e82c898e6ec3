from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "doantu.registry"
    label = "registry"
    verbose_name = "Sổ liệt sĩ, mộ liệt sĩ, thân nhân"
