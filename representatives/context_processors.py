from .models import Notification


def inbox(request):
    """The unread count in the navigation bar: one indexed count per page for signed-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
