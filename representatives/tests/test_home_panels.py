"""The start pages' panels count their figures together, in one query, and each figure still equals its rows."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress.tests.test_query_counts import World
from liaison_stations.models import Opinion
from liaison_stations.tests.factories import OpinionFactory
from representatives import services
from representatives.models import ActivityRecord, Deputy
from representatives.panels import CountingPanel, count_together, render_panels
from representatives.tests.factories import ActivityRecordFactory, ClerkFactory, MembershipFactory

# What each page runs on a cold cache once every panel has something to show (measured, then fixed here). Each
# counts the session and the inbox badge's unread count, which later loads find in the cache.
# The deputy's start page also reads the deputy, the seats, the activity count and rows (with how many attachments
# each), the duty days, the stations, the open ballots and the latest score, and runs one query for every count
# of the panels (stations, messages, suggestions, motions): 19 before the panels counted together.
DEPUTY_HOME_QUERIES = 12
# The unit's start page: the user, the unit, and one query for the three apps' counts (10 before).
UNIT_HOME_QUERIES = 5
# The office's station page: the user, the station with its checks, members, duty days (their shifts when there
# are any; none here) and visits (9 before, with an unused prefetch of the station's deputies).
STATION_PAGE_QUERIES = 8


@pytest.fixture
def world(regions, deputy_user_a):
    world = World(regions, deputy_user_a)
    world.grow(3)
    return world


def test_count_together_gives_what_each_count_gives_in_one_query(regions, deputy_a):
    MembershipFactory(deputy=deputy_a)
    MembershipFactory(deputy=deputy_a)
    for status in (ActivityRecord.Status.PENDING, ActivityRecord.Status.CONFIRMED, ActivityRecord.Status.CONFIRMED):
        ActivityRecordFactory(deputy=deputy_a, status=status)
    querysets = {
        "all": ActivityRecord.objects.filter(deputy=deputy_a),
        "confirmed": ActivityRecord.objects.filter(deputy=deputy_a, status=ActivityRecord.Status.CONFIRMED),
        # A join that repeats the deputy once per seat, with and without DISTINCT.
        "joined": Deputy.objects.filter(pk=deputy_a.pk, memberships__isnull=False),
        "distinct": Deputy.objects.filter(pk=deputy_a.pk, memberships__isnull=False).distinct(),
        "sliced": ActivityRecord.objects.filter(deputy=deputy_a).order_by("-id")[:2],
        "none": ActivityRecord.objects.none(),
        "nothing": ActivityRecord.objects.filter(pk__in=[]),
    }
    with CaptureQueriesContext(connection) as queries:
        found = count_together(querysets)
    assert len(queries) == 1
    assert found == {name: queryset.count() for name, queryset in querysets.items()}
    assert found == {"all": 3, "confirmed": 2, "joined": 2, "distinct": 1, "sliced": 2, "none": 0, "nothing": 0}


def test_a_counting_panel_called_alone_counts_its_own(rf, deputy_a):
    ActivityRecordFactory(deputy=deputy_a)
    panel = CountingPanel(
        counts=lambda request, deputy: {"records": ActivityRecord.objects.filter(deputy=deputy)},
        render=lambda request, deputy, *, counts: ("me/messages/panel.html", {"waiting": counts["records"]}),
    )
    assert panel(rf.get("/"), deputy_a) == ("me/messages/panel.html", {"waiting": 1})


def test_render_panels_counts_every_counting_panel_in_one_query(rf, deputy_a):
    ActivityRecordFactory(deputy=deputy_a, status=ActivityRecord.Status.PENDING)
    OpinionFactory(deputy=deputy_a)

    def shown(name):
        return lambda request, deputy, *, counts: ("me/messages/panel.html", {"waiting": counts[name]})

    panels = [
        CountingPanel(lambda request, deputy: {"n": ActivityRecord.objects.filter(deputy=deputy)}, shown("n")),
        CountingPanel(lambda request, deputy: {"n": Opinion.objects.filter(deputy=deputy)}, shown("n")),
        CountingPanel(lambda request, deputy: {"n": Opinion.objects.none()}, shown("n")),
    ]
    request = rf.get("/")
    with CaptureQueriesContext(connection) as queries:
        rendered = render_panels(panels, request, deputy_a)
    assert len(queries) == 1
    # Each panel gets its own figures, though all three name theirs "n".
    assert ["1 条选民留言" in html for html in rendered] == [True, True, False]


def test_the_deputy_home_counts_its_panels_together(client, world, deputy_user_a, django_assert_max_num_queries):
    client.force_login(deputy_user_a)
    client.get(reverse("me:home"))
    cache.clear()  # a cold load: the session and the inbox badge's count are read from the database
    with django_assert_max_num_queries(DEPUTY_HOME_QUERIES):
        response = client.get(reverse("me:home"))
    assert response.status_code == 200
    body = response.content.decode()
    open_opinions = Opinion.objects.filter(deputy=world.deputy).open().count()
    assert open_opinions and f"{open_opinions} 条意见办理中" in body


def test_the_unit_home_counts_its_panels_together(client, world, django_assert_max_num_queries):
    clerk = ClerkFactory(unit=world.unit)
    client.force_login(clerk)
    client.get(reverse("unit:home"))
    cache.clear()  # a cold load: the session and the inbox badge's count are read from the database
    with django_assert_max_num_queries(UNIT_HOME_QUERIES):
        response = client.get(reverse("unit:home"))
    assert response.status_code == 200
    waiting = Opinion.objects.filter(unit=world.unit, status=Opinion.Status.ASSIGNED).count()
    opinions_panel = next(html for html in response.context["panels"] if "选民意见" in html)
    assert waiting and f'fs-4">{waiting}<' in opinions_panel


def test_the_station_page_runs_a_fixed_number_of_queries(client, world, staff_a, django_assert_max_num_queries):
    client.force_login(staff_a)
    url = reverse("staff:station", args=[world.station.pk])
    client.get(url)
    cache.clear()  # a cold load: the session and the inbox badge's count are read from the database
    with django_assert_max_num_queries(STATION_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["members"]) == world.station.members.count()


def test_the_deputy_home_shows_how_many_files_each_record_has(client, deputy_user_a, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    for files in (2, 0):
        services.activity_create(
            deputy=deputy_user_a.deputy,
            by=deputy_user_a,
            files=[SimpleUploadedFile(f"{n}.pdf", pdf) for n in range(files)],
            kind="research",
            date=datetime.date(2025, 5, 1),
            place="x",
            description="y",
        )
    client.force_login(deputy_user_a)
    page = client.get(reverse("me:home")).context["page"]
    shown = {record.pk: record.attachment_count for record in page.object_list}
    assert shown == {record.pk: record.attachments.count() for record in ActivityRecord.objects.all()}
    assert sorted(shown.values()) == [0, 2]
