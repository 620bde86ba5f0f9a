import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings.base")
application = get_wsgi_application()
# Read the key now: Django raises ImproperlyConfigured for an empty one, so a server started without
# SECRET_KEY stops at start-up instead of failing its first request.
settings.SECRET_KEY  # noqa: B018
