from django.utils.functional import SimpleLazyObject


def menu(request):
    """Whether the staff menu shows the watch and the commendations (asked of their access helpers)."""
    user = getattr(request, "user", None)

    def watch():
        from . import access

        return bool(user and access.can_use_watch(user))

    def honours():
        from doantu.honours import access

        return bool(user and access.can_use_honours(user))

    return {"can_watch": SimpleLazyObject(watch), "can_honours": SimpleLazyObject(honours)}
