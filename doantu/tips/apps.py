from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "doantu.tips"
    label = "tips"
    verbose_name = "Tiếp nhận thông tin"

    def ready(self):
        # Registers this domain's words for the audit timeline (doantu.audit.labels).
        import datetime as dt
        import logging

        from django.db.models.signals import post_delete, post_migrate, post_save

        from . import services  # noqa: F401
        from .models import Source
        from .selectors import forget_source

        # However a source changes (staff page, admin), the public pages stop serving the cached copy.
        def _forget(sender, instance, **kwargs):
            forget_source(instance.code)

        from . import checks  # noqa: F401

        # A migrated system (new, upgraded or restored) has its periodic sweep of crash leftovers queued.
        def _schedule_sweep(sender, using, **kwargs):
            from django.db import DEFAULT_DB_ALIAS, DatabaseError

            from .tasks import schedule_sweep

            if using != DEFAULT_DB_ALIAS:
                return
            try:
                schedule_sweep(after=dt.timedelta(hours=1))
            except DatabaseError:  # the task queue's table is not migrated (a partial migrate)
                logging.getLogger(__name__).warning(
                    "the periodic sweep is not queued; run `manage.py sweep_orphans --schedule`"
                )

        post_migrate.connect(_schedule_sweep, sender=self, dispatch_uid="tips-schedule-sweep")
        post_save.connect(_forget, sender=Source, dispatch_uid="tips-forget-source")
        post_delete.connect(_forget, sender=Source, dispatch_uid="tips-forget-source-deleted")
