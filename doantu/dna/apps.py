from django.apps import AppConfig


class DnaConfig(AppConfig):
    name = "doantu.dna"
    label = "dna"
    verbose_name = "Mẫu ADN tham chiếu của thân nhân"

    def ready(self):
        # Registers this domain's words for the audit timeline (doantu.audit.labels).
        from doantu.registry import access as registry_access

        from . import access, services  # noqa: F401

        # The registry's "who is this relative" obeys the DNA consent for donors.
        registry_access.register_person_reveal_rule(access.relative_reveal_rule)
        # A withdrawal on the public status page of the tip a donor came from withdraws the donor too.
        from doantu.tips.signals import consent_withdrawn

        consent_withdrawn.connect(services.on_tip_consent_withdrawn, dispatch_uid="dna-tip-withdrawn")
