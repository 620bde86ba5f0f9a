"""The authentication backend: Django's, with the user's region loaded in the same query.

Every signed-in page scopes its records by ``user.region`` (permissions.py), so loading the user without it
cost a second query on every request.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def users_with_region():
    return get_user_model()._default_manager.select_related("region")


class RegionModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = users_with_region().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
