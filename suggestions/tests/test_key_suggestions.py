"""Leaders' page of the key suggestions they lead, and 二次验收 after the reply."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from representatives.models import StateLog
from representatives.tests.factories import LeaderFactory
from suggestions.models import Suggestion, Supervision
from suggestions.services import TransitionError
from suggestions.services_acceptance import supervision_accept
from suggestions.tests.factories import AssignmentFactory, SuggestionFactory

pytestmark = pytest.mark.django_db
S = Suggestion.Status


@pytest.fixture
def leader(regions):
    return LeaderFactory(region=regions.county_a)


def key(regions, leader=None, status=S.REPLIED, region=None):
    return SuggestionFactory(
        congress__region=region or regions.county_a, status=status, is_key=True, supervising_leader=leader
    )


def test_a_leader_sees_what_they_lead_with_its_state(client, regions, leader):
    mine = key(regions, leader, status=S.ASSIGNED)
    AssignmentFactory(suggestion=mine)
    Supervision.objects.create(
        suggestion=mine, kind="visit", date=datetime.date(2026, 5, 1), note="实地查看", by=leader
    )
    other = key(regions, LeaderFactory(region=regions.county_a))
    client.force_login(leader)
    response = client.get(reverse("staff:key_suggestions"))
    rows = list(response.context["page"].object_list)
    assert rows == [mine]
    assert rows[0].supervision_count == 1
    page = response.content.decode()
    assert mine.title in page and other.title not in page and "办理中" in page
    # "All of the region" shows the other leader's too.
    everything = client.get(reverse("staff:key_suggestions"), {"show": "all"}).context["page"].object_list
    assert {row.pk for row in everything} == {mine.pk, other.pk}


def test_staff_see_every_key_suggestion_of_their_region_only(client, regions, staff_a, leader):
    here = key(regions, leader)
    key(regions, region=regions.county_b)
    SuggestionFactory(congress__region=regions.county_a, status=S.ASSIGNED)  # not key
    client.force_login(staff_a)
    rows = client.get(reverse("staff:key_suggestions")).context["page"].object_list
    assert [row.pk for row in rows] == [here.pk]


@pytest.mark.parametrize("size", [2, 12])
def test_the_page_runs_a_constant_number_of_queries(client, regions, leader, size, django_assert_max_num_queries):
    for _ in range(size):
        suggestion = key(regions, leader, status=S.ASSIGNED)
        AssignmentFactory(suggestion=suggestion)
        Supervision.objects.create(suggestion=suggestion, kind="visit", date=timezone.localdate(), note="x", by=leader)
    client.force_login(leader)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("staff:key_suggestions")).status_code == 200


def test_the_leading_leader_records_an_acceptance_shown_everywhere(client, regions, leader):
    suggestion = key(regions, leader)
    client.force_login(leader)
    url = reverse("staff:suggestion_acceptance", args=[suggestion.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"date": "2026-11-30", "result": "passed", "note": "道路已修好，群众满意"})
    assert response.status_code == 302
    record = Supervision.objects.get(suggestion=suggestion)
    assert (record.kind, record.result, record.by, record.date) == (
        "acceptance",
        "passed",
        leader,
        datetime.date(2026, 11, 30),
    )
    assert StateLog.objects.filter(object_id=suggestion.pk, note__contains="二次验收").exists()
    detail = client.get(reverse("staff:suggestion", args=[suggestion.pk])).content.decode()
    assert "二次验收" in detail and "验收通过" in detail
    row = client.get(reverse("staff:key_suggestions")).context["page"].object_list[0]
    assert (row.acceptance_result, row.acceptance_date) == ("passed", datetime.date(2026, 11, 30))
    # An acceptance is not counted as one more supervision visit.
    assert row.supervision_count == 0


@pytest.mark.parametrize(
    "data",
    [
        {"date": "2026-11-30", "result": "", "note": "x"},
        {"date": "2026-11-30", "result": "maybe", "note": "x"},
        {"date": "2026-11-30", "result": "passed", "note": "  "},
        {"date": "2099-01-01", "result": "passed", "note": "x"},
        {"date": "yesterday", "result": "passed", "note": "x"},
    ],
)
def test_bad_input_writes_nothing(client, regions, leader, data):
    suggestion = key(regions, leader)
    client.force_login(leader)
    response = client.post(reverse("staff:suggestion_acceptance", args=[suggestion.pk]), data)
    assert response.status_code == 200
    assert not Supervision.objects.exists()


def test_no_acceptance_before_the_reply_nor_on_an_ordinary_suggestion(client, regions, leader):
    before = key(regions, leader, status=S.ASSIGNED)
    ordinary = SuggestionFactory(congress__region=regions.county_a, status=S.REPLIED)
    client.force_login(leader)
    for suggestion in (before, ordinary):
        response = client.post(
            reverse("staff:suggestion_acceptance", args=[suggestion.pk]),
            {"date": "2026-11-30", "result": "passed", "note": "x"},
        )
        assert response.status_code == 302
        with pytest.raises(TransitionError):
            supervision_accept(suggestion=suggestion, by=leader, date=timezone.localdate(), result="passed", note="x")
    assert not Supervision.objects.exists()


def test_another_countys_leader_may_not_and_does_not_see_it(client, regions):
    suggestion = key(regions, region=regions.county_b)
    client.force_login(LeaderFactory(region=regions.county_a))
    url = reverse("staff:suggestion_acceptance", args=[suggestion.pk])
    assert client.post(url, {"date": "2026-11-30", "result": "passed", "note": "x"}).status_code == 404
    assert not Supervision.objects.exists()


def test_a_deputy_or_clerk_cannot_reach_the_pages(client, deputy_user_a, regions):
    suggestion = key(regions)
    client.force_login(deputy_user_a)
    assert client.get(reverse("staff:key_suggestions")).status_code == 403
    assert client.get(reverse("staff:suggestion_acceptance", args=[suggestion.pk])).status_code == 403


def test_the_supervision_form_does_not_offer_acceptance_without_a_result():
    from suggestions.forms_staff import SuperviseForm

    form = SuperviseForm({"kind": "acceptance", "date": "2026-01-01", "note": "x"}, suggestion=Suggestion(version=0))
    assert not form.is_valid() and "kind" in form.errors
