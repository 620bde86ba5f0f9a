"""What the cache keeps between visits is shown in each visitor's own language, whoever came first.

The dashboard's figures and the filter forms' option lists are kept in the cache; one staff member reading
the dashboard in English once left English activity types in the table and chart that Chinese visitors then
saw. Each test visits in one language and then the other, both ways round, with the cache kept between the
two visits (and the summary rows' commits run, so the figures are served from the cache).
"""

import html
import json
import re
from typing import cast

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from representatives.models import ActivityKind, ActivityRecord, Congress
from representatives.tests.factories import ActivityRecordFactory, CongressFactory, MembershipFactory

pytestmark = pytest.mark.django_db

LABELS = {
    "en": {"inspection": "Inspection visit", "research": "Research"},
    "zh-hans": {"inspection": "视察", "research": "调研"},
}
ORDERS = [("en", "zh-hans"), ("zh-hans", "en")]


def visit(client, url, language, commits):
    # Run the commits' callbacks, as outside a test: the flush publishes the tallies' state, so the second
    # visit finds the first one's figures in the cache instead of computing its own.
    with commits(execute=True):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    return response.content.decode()


@pytest.fixture
def activities(deputy_a):
    today = timezone.localdate()
    for kind in (ActivityKind.INSPECTION, ActivityKind.RESEARCH):
        ActivityRecordFactory(deputy=deputy_a, kind=kind, status=ActivityRecord.Status.CONFIRMED, date=today)


def chart_series(content: str) -> list[str]:
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', content, re.S)
    data = json.loads(found[1])
    return [series["name"] for series in data["activities"]["series"]]


def activity_table(content: str) -> str:
    """The table of activities by type under the chart (its rows link to the activity list by kind)."""
    return " ".join(re.findall(r"<tr>.*?kind=\w+.*?</tr>", content, re.S))


@pytest.mark.parametrize(("first", "second"), ORDERS)
def test_the_dashboard_names_activity_types_in_each_visitors_language(
    client, staff_a, activities, first, second, django_capture_on_commit_callbacks
):
    client.force_login(staff_a)
    url = reverse("staff:dashboard")
    for language in (first, second):
        content = visit(client, url, language, django_capture_on_commit_callbacks)
        other = second if language == first else first
        assert sorted(chart_series(content)) == sorted(LABELS[language].values()), language
        table = activity_table(content)
        for kind, label in LABELS[language].items():
            assert label in table, (language, kind)
        for label in LABELS[other].values():
            assert label not in table, (language, label)


def test_the_second_visit_reads_the_figures_the_first_one_kept(client, staff_a, activities):
    """The figures really are kept between the visits above (else those tests would prove nothing)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from representatives import tallies

    client.force_login(staff_a)
    url = reverse("staff:dashboard")
    tallies.flush()
    tallies._publish(tallies._writes(), changed=True)  # what the flush's commit does outside a test
    client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    with CaptureQueriesContext(connection) as first:
        client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert not [q for q in first.captured_queries if "representatives_tally" in q["sql"]]


@pytest.mark.parametrize(("first", "second"), ORDERS)
def test_a_filter_option_list_names_congresses_in_each_visitors_language(
    client, staff_a, regions, deputy_a, first, second, django_capture_on_commit_callbacks
):
    congress = cast(Congress, CongressFactory(region=regions.county_a, term_number=16))
    MembershipFactory(deputy=deputy_a, congress=congress)
    county = regions.county_a.name
    names = {"en": f"{county} People's Congress (term 16)", "zh-hans": f"{county}第十六届人民代表大会"}
    client.force_login(staff_a)
    cache.clear()
    # The congress filter is searched (core/autocomplete.py) and renders only the chosen congress: choose it.
    url = f"{reverse('staff:directory')}?congress={congress.pk}"
    for language in (first, second):
        content = visit(client, url, language, django_capture_on_commit_callbacks)
        other = second if language == first else first
        options = html.unescape(re.search(r'<select name="congress"[^>]*>(.*?)</select>', content, re.S)[1])
        assert f">{names[language]}</option>" in options, (language, options)
        assert names[other] not in options, language
        # And the search that offers congresses answers in the visitor's language too.
        found = client.get(
            reverse("staff:autocomplete", kwargs={"source": "congresses"}),
            {"q": county},
            HTTP_ACCEPT_LANGUAGE=language,
        ).json()["results"]
        labels = {str(value) for row in found for value in row.values()}
        assert names[language] in labels and names[other] not in labels, (language, found)
