def notifications(request):
    """The unread count for the bell in the staff header."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.is_active):
        return {}
    from .models import Notification

    return {"unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
