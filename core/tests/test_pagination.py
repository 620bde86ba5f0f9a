import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.pagination import MirroredPaginator, paginate, with_unique_ordering
from representatives.models import Deputy, Region
from representatives.tests.factories import DeputyFactory

PER_PAGE = 5


@pytest.fixture
def deputies(regions):
    # Three names shared by many rows: the ordering by name alone has ties that only the pk can break.
    return [DeputyFactory(region=regions.town_a, name=f"代表{i % 3}") for i in range(23)]


def names_and_pks(rows):
    return [(d.name, d.pk) for d in rows]


def test_every_page_matches_a_plain_offset_read_in_the_same_order(deputies):
    queryset = Deputy.objects.order_by("name")
    expected = names_and_pks(Deputy.objects.order_by("name", "pk"))
    paginator = MirroredPaginator(queryset, PER_PAGE)
    seen = []
    for number in paginator.page_range:
        seen += names_and_pks(paginator.page(number).object_list)
    assert seen == expected
    assert paginator.num_pages == 5


def test_the_last_and_middle_pages_equal_django_paginators_pages(deputies):
    queryset = Deputy.objects.order_by("-name", "id")
    plain = Paginator(queryset, PER_PAGE)
    mirrored = MirroredPaginator(queryset, PER_PAGE)
    for number in (3, 4, 5):
        assert names_and_pks(mirrored.page(number)) == names_and_pks(plain.page(number))


def test_the_last_page_is_read_backwards_without_skipping_rows(deputies):
    queryset = Deputy.objects.order_by("name", "id")
    with CaptureQueriesContext(connection) as first_ctx:
        list(MirroredPaginator(queryset, PER_PAGE).page(1).object_list)
    with CaptureQueriesContext(connection) as last_ctx:
        last = list(MirroredPaginator(queryset, PER_PAGE).page(5).object_list)
    assert len(last) == 3
    count_sql, sql = (q["sql"] for q in last_ctx.captured_queries)
    assert "DESC" in sql
    # A forward read would skip the first 20 rows; the backward one starts at the end.
    assert "OFFSET 20" not in sql
    assert len(last_ctx.captured_queries) == len(first_ctx.captured_queries) == 2


def test_a_page_past_the_middle_stays_a_queryset_a_view_can_decorate(deputies):
    page = MirroredPaginator(Deputy.objects.order_by("name", "id"), PER_PAGE).page(4)
    decorated = page.object_list.prefetch_related("memberships")
    assert names_and_pks(decorated) == names_and_pks(Deputy.objects.order_by("name", "id")[15:20])


def test_ties_are_broken_by_primary_key_and_unordered_lists_read_newest_first(deputies):
    assert with_unique_ordering(Deputy.objects.order_by("name")).query.order_by == ("name", "pk")
    assert with_unique_ordering(Deputy.objects.order_by("name", "-id")).query.order_by == ("name", "-id")
    assert with_unique_ordering(Region.objects.all()).query.order_by == ("path", "pk")
    assert list(with_unique_ordering(Deputy.objects.order_by()).query.order_by) == ["-pk"]


def test_out_of_range_and_bad_page_numbers_fall_back_like_djangos(deputies):
    rf = RequestFactory()
    queryset = Deputy.objects.order_by("name")
    assert paginate(rf.get("/", {"page": "999"}), queryset, PER_PAGE).number == 5
    assert paginate(rf.get("/", {"page": "x"}), queryset, PER_PAGE).number == 1


def test_the_staff_directorys_last_page_lists_the_last_deputies(client, city_staff, deputies):
    client.force_login(city_staff)
    response = client.get(reverse("staff:directory"), {"page": "1"})
    per_page = response.context["page"].paginator.per_page
    total = Deputy.objects.count()
    last = (total - 1) // per_page + 1
    response = client.get(reverse("staff:directory"), {"page": str(last)})
    shown = [d.pk for d in response.context["page"].object_list]
    expected = list(Deputy.objects.order_by("name", "id").values_list("pk", flat=True))[(last - 1) * per_page :]
    assert shown == expected


def test_a_slow_count_is_kept_for_a_while_and_a_fast_one_stays_exact(deputies, settings, regions):
    queryset = Deputy.objects.order_by("name")
    assert MirroredPaginator(queryset, PER_PAGE).count == 23
    DeputyFactory(region=regions.town_a)
    assert MirroredPaginator(queryset, PER_PAGE).count == 24

    settings.PAGE_COUNT_CACHE_AFTER_SECONDS = 0
    assert MirroredPaginator(queryset, PER_PAGE).count == 24
    DeputyFactory(region=regions.town_a)
    with CaptureQueriesContext(connection) as ctx:
        assert MirroredPaginator(queryset, PER_PAGE).count == 24
    assert ctx.captured_queries == []
    # Another scope is another count.
    assert MirroredPaginator(queryset.filter(name="代表0"), PER_PAGE).count == 8


def test_slow_grouped_rows_are_kept_like_slow_counts_and_fast_ones_stay_exact(deputies, settings, regions):
    from core.pagination import cached_rows

    rows = Deputy.objects.values("name").annotate(n=Count("pk")).order_by("name")
    assert cached_rows(rows)[0] == {"name": "代表0", "n": 8}
    DeputyFactory(region=regions.town_a, name="代表0")
    assert cached_rows(rows)[0] == {"name": "代表0", "n": 9}

    settings.PAGE_COUNT_CACHE_AFTER_SECONDS = 0
    assert cached_rows(rows)[0]["n"] == 9
    DeputyFactory(region=regions.town_a, name="代表0")
    with CaptureQueriesContext(connection) as ctx:
        assert cached_rows(rows)[0]["n"] == 9
    assert ctx.captured_queries == []
    # Other filters are other rows; a filter that can match nothing runs no SQL.
    assert cached_rows(rows.filter(name="代表1")) == [{"name": "代表1", "n": 8}]
    assert cached_rows(rows.filter(pk__in=[])) == []


def test_a_lists_count_key_stands_for_who_which_list_its_filters_and_the_day(city_staff, regions):
    import datetime
    from unittest import mock

    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict

    from core.pagination import list_count_key

    base = list_count_key(city_staff, "/staff/opinions/", QueryDict("status=assigned"))
    # The page shown, the export and empty filters do not change which rows the list holds.
    same = QueryDict("page=7&status=assigned&q=&export=xlsx")
    assert list_count_key(city_staff, "/staff/opinions/", same) == base
    assert list_count_key(city_staff, "/staff/opinions/", QueryDict("status=replied")) != base
    assert list_count_key(city_staff, "/staff/suggestions/", QueryDict("status=assigned")) != base
    assert list_count_key(AnonymousUser(), "/staff/opinions/", QueryDict("status=assigned")) != base
    assert list_count_key(city_staff, "/staff/opinions/", QueryDict("status=assigned"), part=1) != base
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        assert list_count_key(city_staff, "/staff/opinions/", QueryDict("status=assigned")) != base


def test_a_list_pages_slow_count_is_found_by_its_request_without_compiling_it(deputies, settings, regions):
    from django.contrib.auth.models import AnonymousUser

    settings.PAGE_COUNT_CACHE_AFTER_SECONDS = 0
    request = RequestFactory().get("/deputies/", {"page": "2"})
    request.user = AnonymousUser()
    assert paginate(request, Deputy.objects.order_by("name")).paginator.count == 23
    DeputyFactory(region=regions.town_a)
    again = RequestFactory().get("/deputies/", {"page": "1"})
    again.user = AnonymousUser()
    with CaptureQueriesContext(connection) as ctx:
        page = paginate(again, Deputy.objects.order_by("name"))
        assert page.paginator.count == 23
    # Only the page's rows were read: the count came from the cache, under the request's key.
    assert len(ctx.captured_queries) == 0
    list(page.object_list)
    # A second list on the same page is another count.
    assert paginate(again, Deputy.objects.filter(name="代表0")).paginator.count == 8


def test_shown_joins_only_what_its_columns_name(deputies):
    from core.pagination import shown

    joined = shown(Deputy.objects.select_related("region"), ("name", "region__name"))
    assert joined.query.select_related == {"region": {}}
    # Columns of the row alone join nothing: an empty select_related() would follow every foreign key.
    own = shown(Deputy.objects.select_related("region"), ("name",))
    assert own.query.select_related is False
    with CaptureQueriesContext(connection) as ctx:
        rows = list(own)
    assert len(rows) == 23
    assert "JOIN" not in ctx.captured_queries[0]["sql"]
