"""Login security: the optional second factor for office staff and leaders, the lockout page, and the
admin pages where staff unlock a locked-out login."""
