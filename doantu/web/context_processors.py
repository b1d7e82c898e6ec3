from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _can_comms(user) -> bool:
    from doantu.comms.access import can_view

    return bool(user and user.is_authenticated and can_view(user))


def _can_dna(user) -> bool:
    from doantu.dna.access import can_view_coverage

    return can_view_coverage(user)


def site(request):
    from doantu.registry.access import can_view_registry

    user = getattr(request, "user", None)
    from doantu.web.errors import public_contacts

    return {
        # The ward's phone, address and hours on every public page (read only by pages that show them).
        "public_contacts": SimpleLazyObject(lambda: public_contacts(request)),
        "can_registry": bool(user and user.is_authenticated and can_view_registry(user)),
        "can_comms": SimpleLazyObject(lambda: _can_comms(user)),
        "can_dna": bool(user and user.is_authenticated and _can_dna(user)),
        "SITE_NAME": "Đoàn Tụ",
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }
