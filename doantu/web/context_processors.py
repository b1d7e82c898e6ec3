from django.conf import settings


def site(request):
    from doantu.registry.access import can_view_registry

    user = getattr(request, "user", None)
    return {
        "can_registry": bool(user and user.is_authenticated and can_view_registry(user)),
        "SITE_NAME": "Đoàn Tụ",
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }
