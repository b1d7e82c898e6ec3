from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "doantu.notify"
    label = "notify"
    verbose_name = "Thông báo"

    def ready(self):
        from django.db.models.signals import post_save

        from doantu.audit.models import AuditEntry

        from . import events, services  # noqa: F401  (services registers the audit words)

        # Every change to a tip writes an audit entry in its own transaction (a project rule): the entry *is* the
        # event. Listening to it, rather than to each service, keeps working when a service changes (an answer
        # that no longer concludes, a new action that changes the status) and never fires for a refused action
        # (nothing is recorded, or the transaction is rolled back with the notifications it made).
        post_save.connect(events.on_audit_entry, sender=AuditEntry, dispatch_uid="notify-audit-entry")
