"""Property-based fuzzing of what the public can send: the opinion form, the tracking lookup and the rating.

Whatever arrives, the answer is never a 500, and a refused submission stores nothing.
"""

import uuid
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison_stations import ratelimit
from liaison_stations.models import Opinion
from liaison_stations.tests.factories import StationFactory
from representatives.models import StateLog

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

VALID = {
    "voter_name": "王五",
    "voter_phone": "13900001111",
    "title": "小区门口路灯不亮",
    "content": "白沙街道某小区门口三盏路灯坏了三个月。",
    "category": "urban",
    "website": "",
}

# Text as browsers and robots send it: any unicode (NUL, control and bidi characters, surrogates are not
# encodable and left out), sometimes huge.
nasty_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=400),
    st.sampled_from(["\x00", "\x00" * 50, "\u202e", "\r\n", "<script>alert(1)</script>", "' OR 1=1 --", "长" * 5000]),
    st.builds(lambda c, n: c * n, st.characters(codec="utf-8"), st.integers(3000, 20000)),
)
phones = st.one_of(
    nasty_text,
    st.from_regex(r"\A[0-9+\- ()（）０-９]{0,30}\Z"),
    st.sampled_from(["13900001111", "+86 139 0000 1111", "0750-1234567", "1" * 11, "139000011112"]),
)


@pytest.fixture
def station(regions):
    return StationFactory(region=regions.town_a)


@pytest.fixture
def public_client():
    return Client(raise_request_exception=False)


def fresh_limits():
    # Each example is a new visitor as far as the rate limit goes; the limit has its own tests.
    cache.clear()
    ratelimit.local_cache.clear()


def submitted(response, before) -> bool:
    return response.status_code == 302 and Opinion.objects.count() == before + 1


@pytest.mark.django_db
class TestOpinionFormFuzz:
    @FUZZ
    @given(
        field=st.sampled_from(["voter_name", "voter_phone", "title", "content", "category", "website"]),
        value=st.one_of(nasty_text, phones),
    )
    def test_one_bad_field_never_errors_and_a_refusal_stores_nothing(self, public_client, station, field, value):
        fresh_limits()
        before, logs = Opinion.objects.count(), StateLog.objects.count()
        response = public_client.post(reverse("public:opinion_form", args=[station.public_id]), {**VALID, field: value})
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            assert response.context["form"].errors
            assert (Opinion.objects.count(), StateLog.objects.count()) == (before, logs)
        elif field == "website" and value.strip():
            # The honeypot pretends success and stores nothing.
            assert Opinion.objects.count() == before
        else:
            assert submitted(response, before)
            opinion = Opinion.objects.latest("pk")
            assert "\x00" not in (opinion.voter_name + opinion.title + opinion.content)

    @FUZZ
    @given(data=st.dictionaries(st.sampled_from(list(VALID) + ["station", "id", "csrfmiddlewaretoken"]), nasty_text))
    def test_any_mix_of_fields_never_errors(self, public_client, station, data):
        fresh_limits()
        before = Opinion.objects.count()
        response = public_client.post(reverse("public:opinion_form", args=[station.public_id]), data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert Opinion.objects.count() == before

    @FUZZ
    @given(public_id=st.one_of(st.uuids(), st.text(max_size=50)))
    def test_an_unknown_or_malformed_station_id_is_a_404(self, public_client, station, public_id):
        fresh_limits()
        path = f"/stations/{quote(str(public_id), safe='')}/opinion/"
        response = public_client.post(path, VALID)
        assert response.status_code in (404, 400), response.status_code
        assert not Opinion.objects.exists()

    def test_an_inactive_station_id_stores_nothing(self, public_client, station):
        station.is_active = False
        station.save()
        response = public_client.post(reverse("public:opinion_form", args=[station.public_id]), VALID)
        assert response.status_code == 404 and not Opinion.objects.exists()
        response = public_client.post(reverse("public:opinion_form", args=[uuid.uuid4()]), VALID)
        assert response.status_code == 404 and not Opinion.objects.exists()


@pytest.mark.django_db
class TestTrackingFuzz:
    @FUZZ
    @given(code=nasty_text)
    def test_any_code_gives_the_tracking_page(self, public_client, code):
        fresh_limits()
        response = public_client.get(reverse("public:track"), {"code": code})
        assert response.status_code == 200

    @FUZZ
    @given(code=nasty_text, rating=nasty_text)
    def test_any_rating_post_redirects_back_and_stores_nothing_for_an_unknown_code(self, public_client, code, rating):
        fresh_limits()
        response = public_client.post(reverse("public:track"), {"code": code, "rating": rating})
        assert response.status_code == 302
        assert not Opinion.objects.filter(rating__gt="").exists()
