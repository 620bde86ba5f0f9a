import pytest

from representatives.models import Region


@pytest.mark.django_db
def test_region_path_nests_codes(regions):
    assert regions.town_a.path == "44/4407/440703/440703001/"
    assert regions.county_a.contains(regions.town_a)
    assert not regions.county_a.contains(regions.town_b)
    assert Region.objects.filter(path__startswith=regions.city.path).count() == 5
