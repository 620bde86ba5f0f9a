from core.notices import unread_count


def inbox(request):
    """The unread count in the navigation bar, computed only when a template shows it.

    Templates call callables, so pages that never show the bar (the rate-limit refusal) touch neither the
    session nor the database.
    """

    cached = []

    def unread_notifications():
        if not cached:
            user = getattr(request, "user", None)
            authenticated = user is not None and user.is_authenticated
            cached.append(unread_count(user) if authenticated else 0)
        return cached[0]

    return {"unread_notifications": unread_notifications}
