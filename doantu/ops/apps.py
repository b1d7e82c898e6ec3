import gc

from django.apps import AppConfig
from django.conf import settings


class OpsConfig(AppConfig):
    name = "doantu.ops"
    label = "ops"
    verbose_name = "Vận hành (sao lưu, khôi phục)"

    def ready(self):
        apply_gc_threshold(settings.GC_YOUNG_THRESHOLD)


def apply_gc_threshold(young: int) -> None:
    """Every process that runs Django (web workers, the task worker, commands): the collector's young-generation
    threshold from settings (``GC_YOUNG_THRESHOLD``), the older generations' left as Python sets them."""
    if young > 0:
        gc.set_threshold(young, *gc.get_threshold()[1:])
