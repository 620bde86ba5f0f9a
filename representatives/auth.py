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
        # get(), not first(): first() orders by the key, which this one row does not need (compiling the ORDER BY
        # was a third of the query's cost, run on every signed-in request).
        try:
            user = users_with_region().get(pk=user_id)
        except (ValueError, TypeError, get_user_model().DoesNotExist):
            return None
        return user if self.user_can_authenticate(user) else None
