"""The awards (三优三先): nominations from the records, decisions with reasons, publication."""

from typing import Any, cast

import pytest
from django.urls import reverse

from evaluations import awards
from evaluations.models import Nomination
from representatives.models import StateLog, User
from representatives.tests.factories import DeputyFactory, HandlingUnitFactory, LeaderFactory

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def nomination(staff_a, deputy_a):
    return awards.nominate(
        by=staff_a, year=YEAR, category=Nomination.Category.DEPUTY, nominee=deputy_a, reason="全年进站 12 次"
    )


def test_staff_nominate_a_deputy_of_their_scope(nomination, staff_a):
    assert (nomination.status, nomination.region_id, nomination.nominated_by) == (
        Nomination.Status.NOMINATED,
        staff_a.region_id,
        staff_a,
    )
    assert StateLog.objects.filter(object_id=nomination.pk, to_state="nominated").exists()


def test_a_nominee_of_another_region_is_refused(staff_a, regions):
    other: Any = DeputyFactory(region=regions.county_b)
    with pytest.raises(awards.TransitionError, match="只能提名本辖区"):
        awards.nominate(by=staff_a, year=YEAR, category=Nomination.Category.DEPUTY, nominee=other, reason="好")
    assert not Nomination.objects.exists()


def test_the_same_nominee_is_nominated_once_a_year(nomination, staff_a, deputy_a):
    with pytest.raises(awards.TransitionError, match="已经提名过了"):
        awards.nominate(by=staff_a, year=YEAR, category=Nomination.Category.DEPUTY, nominee=deputy_a, reason="再提")
    awards.nominate(by=staff_a, year=YEAR + 1, category=Nomination.Category.DEPUTY, nominee=deputy_a, reason="次年")
    assert Nomination.objects.count() == 2


def test_a_nomination_needs_a_reason(staff_a, regions):
    unit: Any = HandlingUnitFactory(region=regions.county_a)
    with pytest.raises(awards.TransitionError, match="提名理由"):
        awards.nominate(by=staff_a, year=YEAR, category=Nomination.Category.UNIT, nominee=unit, reason="  ")


def test_a_decision_needs_reasons_and_is_taken_once(nomination, staff_a):
    with pytest.raises(awards.TransitionError, match="评选意见"):
        awards.nomination_award(nomination=nomination, by=staff_a, reason="")
    awarded = awards.nomination_award(nomination=nomination, by=staff_a, reason="常委会主任会议决定")
    assert (awarded.status, awarded.decision_reason, awarded.decided_by) == (
        Nomination.Status.AWARDED,
        "常委会主任会议决定",
        staff_a,
    )
    with pytest.raises(awards.TransitionError, match="已经评定"):
        awards.nomination_decline(nomination=awarded, by=staff_a, reason="改变主意")


def test_only_awarded_nominations_are_published(nomination, staff_a):
    with pytest.raises(awards.TransitionError, match="只有评为优秀的才能公布"):
        awards.nomination_publish(nomination=nomination, by=staff_a)
    awards.nomination_award(nomination=nomination, by=staff_a, reason="决定")
    published = awards.nomination_publish(nomination=nomination, by=staff_a)
    assert published.status == Nomination.Status.PUBLISHED and published.published_at is not None


def test_leaders_read_but_do_not_decide(nomination, regions):
    leader = cast(User, LeaderFactory(region=regions.county_a))
    assert awards.nominations_for(leader).filter(pk=nomination.pk).exists()
    assert awards.available_steps(leader, nomination) == []
    with pytest.raises(awards.TransitionError):
        awards.nomination_award(nomination=nomination, by=leader, reason="好")


def test_another_countys_staff_neither_see_nor_decide(nomination, staff_b):
    assert not awards.nominations_for(staff_b).exists()
    assert awards.available_steps(staff_b, nomination) == []


def test_the_public_page_shows_published_awards_only(client, nomination, staff_a, deputy_a, regions):
    unit: Any = HandlingUnitFactory(region=regions.county_a, name="县交通运输局")
    declined = awards.nominate(by=staff_a, year=YEAR, category=Nomination.Category.UNIT, nominee=unit, reason="好")
    awards.nomination_decline(nomination=declined, by=staff_a, reason="办理满意率不足")
    awards.nomination_award(nomination=nomination, by=staff_a, reason="决定")
    page = client.get(reverse("public:awards"), {"year": YEAR}).content.decode()
    assert deputy_a.name not in page
    awards.nomination_publish(nomination=nomination, by=staff_a)
    page = client.get(reverse("public:awards"), {"year": YEAR}).content.decode()
    assert deputy_a.name in page and "决定" in page
    assert "县交通运输局" not in page


def test_staff_nominate_decide_and_publish_from_the_page(client, staff_a, deputy_a):
    client.force_login(staff_a)
    response = client.post(
        reverse("staff:awards_nominate"),
        {"year": YEAR, "category": "deputy", "nominee": deputy_a.pk, "reason": "履职积极"},
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    client.post(reverse("staff:nomination_step", kwargs={"pk": nomination.pk, "step": "award"}), {"reason": "决定"})
    client.post(reverse("staff:nomination_step", kwargs={"pk": nomination.pk, "step": "publish"}))
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PUBLISHED
    page = client.get(reverse("staff:awards"), {"year": YEAR})
    assert page.status_code == 200
    assert deputy_a.name in page.content.decode()


def test_a_decision_without_reasons_from_the_page_writes_nothing(client, staff_a, nomination):
    client.force_login(staff_a)
    client.post(reverse("staff:nomination_step", kwargs={"pk": nomination.pk, "step": "award"}), {"reason": ""})
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.NOMINATED


def test_the_years_awards_figure_counts_the_rows_its_link_lists(client, staff_a, regions):
    deputies: list[Any] = [DeputyFactory(region=regions.town_a) for _ in range(4)]
    made = [
        awards.nominate(by=staff_a, year=YEAR, category=Nomination.Category.DEPUTY, nominee=d, reason="好")
        for d in deputies
    ]
    awards.nomination_award(nomination=made[0], by=staff_a, reason="决定")
    awards.nomination_publish(nomination=made[0], by=staff_a)
    awards.nomination_award(nomination=made[1], by=staff_a, reason="决定")
    awards.nomination_decline(nomination=made[2], by=staff_a, reason="不足")
    # made[3] is still waiting for the decision.

    figures = {f.label: f for f in awards.year_figures(user=staff_a, region=None, year=YEAR)}
    deputies_figure = figures["优秀人大代表"]
    assert deputies_figure.value == 2 and figures["优秀建议承办单位"].value == 0

    client.force_login(staff_a)
    listed = client.get(deputies_figure.url).context["nominations"]
    assert sorted(n.pk for n, _steps in listed) == sorted([made[0].pk, made[1].pk])
    page = client.get(f"{reverse('staff:dashboard')}?year={YEAR}").content.decode()
    assert f'data-value="{deputies_figure.value}"' in page and deputies_figure.url.replace("&", "&amp;") in page
