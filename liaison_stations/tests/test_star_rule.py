"""A station's star rating is held to its "七有" checks by the office's star rule, wherever it is set.

The default rule: one star needs three of the seven checks passed, two stars four, three stars five, four
stars six, five stars all seven. An office may set its own for its region; the nearest region's rule applies.
"""

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison_stations import services_checks
from liaison_stations.models import StandardCheck, StandardItem, StarRule, Station
from liaison_stations.resources import StationResource, import_stations
from liaison_stations.tests.factories import StationFactory

pytestmark = pytest.mark.django_db

HEADERS = [field.column_name for field in StationResource().get_export_fields()]


def pass_checks(station, count):
    for item in StandardItem.values[:count]:
        StandardCheck.objects.create(station=station, item=item, passed=True)


def station_data(region, **overrides):
    return {"region": region, "name": "白沙第二联络站", "address": "白沙街道二号", "star_rating": 0, **overrides}


def star_file(stars, name="白沙代表联络站", region="440703001"):
    dataset = tablib.Dataset(headers=HEADERS)
    row = {"区域代码": region, "名称": name, "地址": "白沙街道一号", "星级": stars}
    dataset.append([row.get(header, "") for header in HEADERS])
    return SimpleUploadedFile("联络站.xlsx", dataset.export("xlsx"))


@pytest.mark.parametrize(("stars", "needed"), [(0, 0), (1, 3), (2, 4), (3, 5), (4, 6), (5, 7)])
def test_the_default_rule_asks_for_more_checks_for_each_star(regions, stars, needed):
    rule = StarRule.for_region(regions.town_a)

    assert rule.pk is None
    assert rule.needed(stars) == needed
    assert rule.refusal(stars, needed) is None
    if needed:
        assert rule.refusal(stars, needed - 1)


def test_the_nearest_regions_rule_applies(regions):
    StarRule.objects.create(region=regions.city, five_stars=7, four_stars=7, three_stars=7, two_stars=7, one_star=7)
    county = StarRule.objects.create(region=regions.county_a, one_star=0, two_stars=0, three_stars=0, four_stars=0)

    assert StarRule.for_region(regions.town_a) == county
    assert StarRule.for_region(regions.town_b).region == regions.city


def test_a_rule_asking_fewer_checks_for_more_stars_is_refused(regions):
    rule = StarRule(region=regions.city, four_stars=7, five_stars=6)

    with pytest.raises(ValidationError) as refused:
        rule.full_clean()

    assert "five_stars" in refused.value.message_dict


# --- the service behind the staff pages -------------------------------------------------------------------


def test_five_stars_without_the_seven_checks_are_refused_with_the_reason(staff_a, regions):
    station = services_checks.station_save(data=station_data(regions.town_a), by=staff_a)
    pass_checks(station, 6)

    with pytest.raises(ValidationError) as refused:
        services_checks.station_save(station=station, data={"star_rating": 5}, by=staff_a)

    [message] = refused.value.message_dict["star_rating"]
    assert "评为 5 星须“七有”中至少 7 项达标（默认星级规则）" in message
    assert "只有 6 项" in message
    station.refresh_from_db()
    assert station.star_rating == 0


def test_five_stars_with_all_seven_checks_are_saved(staff_a, regions):
    station = services_checks.station_save(data=station_data(regions.town_a), by=staff_a)
    pass_checks(station, 7)

    services_checks.station_save(station=station, data={"star_rating": 5}, by=staff_a)

    station.refresh_from_db()
    assert station.star_rating == 5


def test_a_new_station_cannot_start_with_stars(staff_a, regions):
    with pytest.raises(ValidationError) as refused:
        services_checks.station_save(data=station_data(regions.town_a, star_rating=3), by=staff_a)

    assert "至少 5 项" in refused.value.message_dict["star_rating"][0]
    assert not Station.objects.exists()


def test_the_offices_own_rule_is_named_in_the_reason(staff_a, regions):
    StarRule.objects.create(region=regions.county_a, one_star=1)
    station = services_checks.station_save(data=station_data(regions.town_a), by=staff_a)

    with pytest.raises(ValidationError) as refused:
        services_checks.station_save(station=station, data={"star_rating": 1}, by=staff_a)
    pass_checks(station, 1)
    services_checks.station_save(station=station, data={"star_rating": 1}, by=staff_a)

    assert "蓬江区的星级规则" in refused.value.message_dict["star_rating"][0]
    station.refresh_from_db()
    assert station.star_rating == 1


def test_a_rating_given_before_the_rule_does_not_block_other_changes(staff_a, regions):
    station = StationFactory(region=regions.town_a, star_rating=5)

    services_checks.station_save(station=station, data={"address": "新地址"}, by=staff_a)

    station.refresh_from_db()
    assert (station.address, station.star_rating) == ("新地址", 5)


def test_the_staff_form_shows_the_reason(client, staff_a, regions):
    client.force_login(staff_a)
    data = {**station_data(regions.town_a, star_rating=5), "region": regions.town_a.pk, "kind": "station"}

    response = client.post(reverse("staff:station_new"), data)

    assert response.status_code == 200
    assert "须“七有”中至少 7 项达标" in str(response.context["form"].errors["star_rating"])
    assert not Station.objects.exists()


# --- the station import ---------------------------------------------------------------------------------


def test_the_import_refuses_stars_the_checks_do_not_support_with_row_and_reason(staff_a, regions):
    station = StationFactory(region=regions.town_a, name="白沙代表联络站", address="白沙街道一号")
    pass_checks(station, 3)

    outcome = import_stations(star_file("5星"), user=staff_a)

    assert not outcome.ok
    assert "第 2 行，“星级”列：评为 5 星须“七有”中至少 7 项达标" in "\n".join(outcome.errors)
    station.refresh_from_db()
    assert station.star_rating == 0


def test_the_import_accepts_stars_the_checks_support(staff_a, regions):
    station = StationFactory(region=regions.town_a, name="白沙代表联络站", address="白沙街道一号")
    pass_checks(station, 6)

    outcome = import_stations(star_file(4), user=staff_a)

    assert outcome.ok, outcome.errors
    station.refresh_from_db()
    assert station.star_rating == 4


def test_the_import_leaves_an_unchanged_rating_alone(staff_a, regions):
    StationFactory(region=regions.town_a, name="白沙代表联络站", address="白沙街道一号", star_rating=5)

    outcome = import_stations(star_file(5), user=staff_a)

    assert outcome.ok, outcome.errors
    assert Station.objects.get().star_rating == 5


def test_a_new_station_in_a_file_cannot_start_with_stars(staff_a, regions):
    outcome = import_stations(star_file(1, name="新站"), user=staff_a)

    assert not outcome.ok
    assert "“星级”列" in outcome.errors[0] and "至少 3 项" in outcome.errors[0]
    assert not Station.objects.exists()


# --- the admin ------------------------------------------------------------------------------------------


def station_form(station, stars, checks):
    """The admin's change form for ``station`` with ``stars`` and the given check items passed."""
    data = {
        "region": station.region_id,
        "name": station.name,
        "kind": station.kind,
        "address": station.address,
        "star_rating": str(stars),
        "is_active": "on",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "checks-TOTAL_FORMS": str(len(checks)),
        "checks-INITIAL_FORMS": "0",
    }
    for index, item in enumerate(checks):
        data.update(
            {f"checks-{index}-item": item, f"checks-{index}-passed": "on", f"checks-{index}-checked_on": "2025-01-06"}
        )
    return data


def test_the_admin_refuses_stars_without_the_checks_and_says_why(client, staff_a, regions):
    station = StationFactory(region=regions.town_a)
    client.force_login(staff_a)
    url = reverse("admin:liaison_stations_station_change", args=[station.pk])

    response = client.post(url, station_form(station, 5, StandardItem.values[:2]))

    assert response.status_code == 200
    assert "评为 5 星须“七有”中至少 7 项达标" in response.content.decode()
    station.refresh_from_db()
    assert station.star_rating == 0 and not station.checks.exists()


def test_the_admin_saves_stars_with_the_checks_recorded_in_the_same_form(client, staff_a, regions):
    station = StationFactory(region=regions.town_a)
    client.force_login(staff_a)
    url = reverse("admin:liaison_stations_station_change", args=[station.pk])

    response = client.post(url, station_form(station, 5, StandardItem.values))

    assert response.status_code == 302, response.context["inline_admin_formsets"][1].formset.errors
    station.refresh_from_db()
    assert station.star_rating == 5 and station.checks.filter(passed=True).count() == 7


def test_staff_set_their_regions_rule_in_the_admin(client, staff_a, regions):
    client.force_login(staff_a)
    data = {"region": regions.county_a.pk, "one_star": 1, "two_stars": 2, "three_stars": 3}
    data.update({"four_stars": 5, "five_stars": 7})

    response = client.post(reverse("admin:liaison_stations_starrule_add"), data)
    outside = client.post(reverse("admin:liaison_stations_starrule_add"), {**data, "region": regions.county_b.pk})

    assert response.status_code == 302
    assert StarRule.for_region(regions.town_a).needed(4) == 5
    assert outside.status_code == 200 and "region" in outside.context["adminform"].form.errors
