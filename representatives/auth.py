"""The authentication backend: Django's, with the user's region loaded in the same query.

Every signed-in page scopes its records by ``user.region`` (permissions.py), so loading the user without it
cost a second query on every request.
"""

from django.contrib.auth.backends import ModelBackend


class RegionModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = self._user_with_region(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _user_with_region(user_id):
        from django.contrib.auth import get_user_model

        model = get_user_model()
        try:
            return model._default_manager.select_related("region").get(pk=user_id)
        except model.DoesNotExist:
            return None
