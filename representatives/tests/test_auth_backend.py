"""The session's user is loaded with its region in one query (representatives/auth.py)."""

import pytest

from representatives.auth import RegionModelBackend


@pytest.mark.django_db
class TestRegionModelBackend:
    def test_the_user_comes_with_the_region_in_one_query(self, staff_a, django_assert_num_queries):
        with django_assert_num_queries(1):
            user = RegionModelBackend().get_user(staff_a.pk)
            assert (user, user.region) == (staff_a, staff_a.region)

    def test_a_missing_or_inactive_user_is_nobody(self, staff_a):
        assert RegionModelBackend().get_user(staff_a.pk + 1000) is None
        staff_a.is_active = False
        staff_a.save(update_fields=["is_active"])
        assert RegionModelBackend().get_user(staff_a.pk) is None
