from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "doantu.comms"
    label = "comms"
    verbose_name = "Truyền thông"

    def ready(self):
        # Registers this domain's words for the audit timeline (doantu.audit.labels).
        from doantu.org.seed import ward_seeded

        from . import services  # noqa: F401
        from .seed import on_ward_seeded

        # The ward's communication work (channels, targets, peak checklists) is the comms app's own seed step.
        ward_seeded.connect(on_ward_seeded, dispatch_uid="comms-seed")
