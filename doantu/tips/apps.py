from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "doantu.tips"
    label = "tips"
    verbose_name = "Tiếp nhận thông tin"

    def ready(self):
        # Registers this domain's words for the audit timeline (doantu.audit.labels).
        from django.db.models.signals import post_delete, post_save

        from . import services  # noqa: F401
        from .models import Forward, Source, Tip
        from .selectors import forget_counts, forget_source

        # However a source changes (staff page, admin), the public pages stop serving the cached copy.
        def _forget(sender, instance, **kwargs):
            forget_source(instance.code)

        from . import checks  # noqa: F401

        post_save.connect(_forget, sender=Source, dispatch_uid="tips-forget-source")
        post_delete.connect(_forget, sender=Source, dispatch_uid="tips-forget-source-deleted")
        # The cached counts of the overview and the API (selectors.tip_counts) follow every tip and forward.
        for model in (Tip, Forward):
            post_save.connect(
                forget_counts, sender=model, dispatch_uid=f"tips-forget-counts-{model.__name__}"
            )
            post_delete.connect(
                forget_counts, sender=model, dispatch_uid=f"tips-forget-counts-deleted-{model.__name__}"
            )
