from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "doantu.indicators"
    label = "indicators"
    verbose_name = "Chỉ số"

    def ready(self):
        # Every installed app's ``indicators.py`` registers its figures (like admin.py for the admin site).
        from functools import partial
        from importlib import import_module

        from django.db.models.signals import post_delete, post_save
        from django.utils.module_loading import module_has_submodule

        from .registry import autodiscover, forget, forget_app

        autodiscover()
        # The cached figures (registry.FIGURES_CACHE_SECONDS) follow every write to a model of an app that
        # counts something (it has an ``indicators`` module): that app's figures go; a write to the units
        # (org), which label and select every figure, sends them all.
        from django.apps import apps

        for config in apps.get_app_configs():
            if config.label == "org":
                receiver = forget
            elif module_has_submodule(config.module, "indicators"):
                receiver = forget_app
                # an app whose figures also count another app's models says so (``ALSO_COUNTS`` in its
                # indicators module: the DNA coverage counts the registry's martyrs, graves and relatives):
                # writes there send its figures too. A mapping {app: test} sends them only for the written
                # rows the test accepts (the tip figures read the tips' conclusions from the audit trail,
                # which every app writes to).
                also = getattr(import_module(f"{config.name}.indicators"), "ALSO_COUNTS", ())
                for other, test in also.items() if isinstance(also, dict) else ((o, None) for o in also):
                    reader = partial(_forget_when, config.label, test)
                    for model in apps.get_app_config(other).get_models():
                        uid = f"indicators-forget-{config.label}-{model._meta.label_lower}"
                        post_save.connect(reader, sender=model, weak=False, dispatch_uid=uid)
                        post_delete.connect(reader, sender=model, weak=False, dispatch_uid=uid + "-deleted")
            else:
                continue
            for model in config.get_models():
                uid = f"indicators-forget-{model._meta.label_lower}"
                post_save.connect(receiver, sender=model, dispatch_uid=uid)
                post_delete.connect(receiver, sender=model, dispatch_uid=uid + "-deleted")


def _forget_when(app, test, sender=None, instance=None, **kwargs):
    """A receiver for ``ALSO_COUNTS``: ``app``'s figures go, if ``test`` (when given) accepts the written row."""
    from .registry import forget

    if test is None or test(instance):
        forget(app)
