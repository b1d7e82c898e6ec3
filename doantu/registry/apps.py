from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "doantu.registry"
    label = "registry"
    verbose_name = "Sổ liệt sĩ, mộ liệt sĩ, thân nhân"

    def ready(self):
        # Registers this domain's words for the audit timeline (doantu.audit.labels).
        from . import services  # noqa: F401

        post_migrate.connect(_ensure_key_index, sender=self)
        post_migrate.connect(_refresh_stale_homes, sender=self)


def _ensure_key_index(sender, using="default", apps=None, **kwargs):
    """After ``migrate``: the keys' search index, if a bulk import was killed while it had it away (only where
    the migrations applied define it: not after ``migrate registry 0006``)."""
    from .matching import ensure_key_index

    try:
        model = apps.get_model("registry", "MatchKey")
    except (AttributeError, LookupError):
        return
    if using == "default" and any(i.name == "matchkey_cover_idx" for i in model._meta.indexes):
        ensure_key_index()


def _refresh_stale_homes(sender, using="default", apps=None, **kwargs):
    """After ``migrate``: home-place codes stored by another version of the resolver written again (a new
    version of the gazetteer or of its text handling changes the version), or a word to run the command when
    there are many (``matching.refresh_homes_when_few``). Only where the migrations applied define the codes."""
    from .matching import refresh_homes_when_few

    try:
        model = apps.get_model("registry", "Martyr")
    except (AttributeError, LookupError):
        return
    if using == "default" and any(f.name == "home_codes" for f in model._meta.get_fields()):
        refresh_homes_when_few(model)
