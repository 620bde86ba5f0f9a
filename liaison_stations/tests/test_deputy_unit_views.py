import datetime

import pytest
from django.urls import reverse

from liaison_stations import services
from liaison_stations.models import DutyDay, Opinion, Proposal
from liaison_stations.tests.factories import (
    DutyDayFactory,
    DutyShiftFactory,
    OpinionFactory,
    StationFactory,
    StationMemberFactory,
)
from representatives.tests.factories import ClerkFactory, HandlingUnitFactory


@pytest.fixture
def station(regions):
    return StationFactory(region=regions.town_a)


@pytest.fixture
def unit(regions):
    return HandlingUnitFactory(region=regions.county_a)


@pytest.fixture
def clerk(unit):
    return ClerkFactory(unit=unit)


def assigned_opinion(station, unit, staff):
    opinion = OpinionFactory(station=station)
    services.opinion_sort(opinion=opinion, category="urban", by=staff)
    services.opinion_propose(opinion=opinion, proposal=Proposal.REFER_UNIT, unit=unit, by=staff)
    return services.opinion_assign(opinion=opinion, by=staff)


@pytest.mark.django_db
class TestDeputyPages:
    def test_the_deputy_home_shows_upcoming_duty_days(self, client, station, deputy_user_a):
        StationMemberFactory(station=station, deputy=deputy_user_a.deputy)
        day = DutyDayFactory(station=station, topic="听取物业问题")
        DutyShiftFactory(duty_day=day, deputy=deputy_user_a.deputy)
        client.force_login(deputy_user_a)
        body = client.get(reverse("me:home")).content.decode()
        assert "听取物业问题" in body and station.name in body

    def test_the_deputy_records_a_held_day_through_the_page(self, client, station, deputy_user_a):
        day = DutyDayFactory(station=station, date=datetime.date.today())
        DutyShiftFactory(duty_day=day, deputy=deputy_user_a.deputy)
        client.force_login(deputy_user_a)
        response = client.post(
            reverse("me:duty_day", args=[day.pk]),
            {"attended": [str(deputy_user_a.deputy_id)], "voters_received": "12", "summary": "接待12人"},
        )
        assert response.status_code == 302
        day.refresh_from_db()
        assert (day.status, day.voters_received) == (DutyDay.Status.HELD, 12)

    def test_a_deputy_cannot_open_a_duty_day_they_are_not_on(self, client, station, deputy_user_a):
        day = DutyDayFactory(station=station)
        client.force_login(deputy_user_a)
        assert client.get(reverse("me:duty_day", args=[day.pk])).status_code == 404

    def test_the_deputy_logs_an_opinion_from_a_visit(self, client, deputy_user_a):
        client.force_login(deputy_user_a)
        response = client.post(
            reverse("me:opinion_new"),
            {"voter_name": "赵六", "voter_phone": "13700001234", "title": "菜市场排水", "content": "雨天积水"},
        )
        opinion = Opinion.objects.get()
        assert response.status_code == 302
        assert (opinion.deputy, opinion.source, opinion.region) == (
            deputy_user_a.deputy,
            Opinion.Source.VISIT,
            deputy_user_a.deputy.region,
        )

    def test_a_bad_phone_writes_nothing(self, client, deputy_user_a):
        client.force_login(deputy_user_a)
        response = client.post(
            reverse("me:opinion_new"), {"voter_name": "赵六", "voter_phone": "abc", "title": "t", "content": "c"}
        )
        assert response.status_code == 200 and Opinion.objects.count() == 0

    def test_the_deputy_sees_the_voters_phone_masked(self, client, station, deputy_user_a):
        opinion = OpinionFactory(station=station, deputy=deputy_user_a.deputy, voter_phone="13900001111")
        client.force_login(deputy_user_a)
        body = client.get(reverse("me:opinion", args=[opinion.pk])).content.decode()
        assert "13900001111" not in body and "139****1111" in body

    def test_a_deputy_does_not_see_opinions_received_by_others(self, client, station, deputy_user_a):
        opinion = OpinionFactory(station=station)
        client.force_login(deputy_user_a)
        assert client.get(reverse("me:opinion", args=[opinion.pk])).status_code == 404

    @pytest.mark.parametrize("rows", [5, 50])
    def test_the_deputy_opinion_list_runs_a_constant_number_of_queries(
        self, client, station, deputy_user_a, rows, django_assert_max_num_queries
    ):
        OpinionFactory.create_batch(rows, station=station, deputy=deputy_user_a.deputy)
        client.force_login(deputy_user_a)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("me:opinions")).status_code == 200


@pytest.mark.django_db
class TestUnitPages:
    def test_the_clerk_sees_only_opinions_assigned_to_the_unit(self, client, station, unit, clerk, staff_a):
        mine = assigned_opinion(station, unit, staff_a)
        other = assigned_opinion(station, HandlingUnitFactory(region=unit.region), staff_a)
        unassigned = OpinionFactory(station=station)
        client.force_login(clerk)
        body = client.get(reverse("unit:opinions")).content.decode()
        assert mine.title in body and other.title not in body and unassigned.title not in body
        assert client.get(reverse("unit:opinion", args=[other.pk])).status_code == 404
        assert client.get(reverse("unit:opinion", args=[unassigned.pk])).status_code == 404

    def test_the_clerk_replies_through_the_page(self, client, station, unit, clerk, staff_a):
        opinion = assigned_opinion(station, unit, staff_a)
        client.force_login(clerk)
        client.post(reverse("unit:opinion", args=[opinion.pk]), {"text": "已修复"})
        opinion.refresh_from_db()
        assert (opinion.status, opinion.reply) == (Opinion.Status.REPLIED, "已修复")

    def test_the_clerk_sees_the_voters_phone_masked(self, client, station, unit, clerk, staff_a):
        opinion = assigned_opinion(station, unit, staff_a)
        client.force_login(clerk)
        body = client.get(reverse("unit:opinion", args=[opinion.pk])).content.decode()
        assert opinion.voter_phone not in body

    def test_the_unit_home_counts_what_waits(self, client, station, unit, clerk, staff_a):
        assigned_opinion(station, unit, staff_a)
        client.force_login(clerk)
        response = client.get(reverse("unit:home"))
        assert response.status_code == 200 and "待答复" in response.content.decode()

    @pytest.mark.parametrize("url", ["unit:home", "unit:opinions"])
    def test_staff_and_deputies_are_refused_from_the_unit_portal(self, client, staff_a, deputy_user_a, url):
        client.force_login(staff_a)
        assert client.get(reverse(url)).status_code == 403
        client.force_login(deputy_user_a)
        assert client.get(reverse(url)).status_code == 403

    @pytest.mark.parametrize("rows", [5, 50])
    def test_the_unit_list_runs_a_constant_number_of_queries(
        self, client, station, unit, clerk, staff_a, rows, django_assert_max_num_queries
    ):
        for _ in range(rows):
            assigned_opinion(station, unit, staff_a)
        client.force_login(clerk)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("unit:opinions")).status_code == 200
