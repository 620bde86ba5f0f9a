"""In English, the staff pages this work added show no Chinese outside the data: with every name in the data
written in Latin letters, any CJK character or full-width punctuation on the page is untranslated chrome."""

import re

import pytest
from django.urls import reverse

from representatives.tests.factories import (
    ActivityRecordFactory,
    CongressFactory,
    DeputyFactory,
    LeaderFactory,
    RegionFactory,
    StaffFactory,
)
from suggestions.models import Suggestion
from suggestions.tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


# The language switcher names each language in that language, so a reader of either can find their own.
LANGUAGE_NAMES = {"简体中文"}


def chinese_in(html: str) -> set[str]:
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return set(CJK.findall(re.sub(r"<[^>]+>", " ", text))) - LANGUAGE_NAMES


@pytest.fixture
def latin_world():
    city = RegionFactory(code="9901", name="Riverside", level=2)
    town = RegionFactory(code="990101", name="Hilltown", level=3, parent=city)
    deputy = DeputyFactory(region=town, name="Li Ming")
    ActivityRecordFactory(deputy=deputy, place="Town hall", description="Visited the school")
    leader = LeaderFactory(region=city, first_name="Wei", last_name="Zhang")
    SuggestionFactory(
        congress=CongressFactory(region=city, term_number=16),
        deputy=deputy,
        title="Fix the river road",
        status=Suggestion.Status.REPLIED,
        is_key=True,
        supervising_leader=leader,
    )
    return StaffFactory(region=city), leader


@pytest.mark.parametrize(
    "name", ["staff:home", "staff:activities", "staff:key_suggestions"], ids=lambda name: name.split(":")[1]
)
def test_english_pages_show_no_chinese_chrome(client, latin_world, name):
    staff, leader = latin_world
    for user in (staff, leader):
        client.force_login(user)
        response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert not chinese_in(response.content.decode()), (user.role, chinese_in(response.content.decode()))
