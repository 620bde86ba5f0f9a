"""A congress's name: the nation's is not named after the province it was filed under, and the term is written
in the reader's language."""

import pytest
from django.utils import translation

from representatives.models import Level
from representatives.tests.factories import CongressFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_the_national_and_provincial_congress_of_one_term_have_different_names():
    province = RegionFactory(name="广东省", code="44", path="44/", level=1, parent=None)
    national = CongressFactory(level=Level.NATIONAL, region=province, term_number=14)
    provincial = CongressFactory(level=Level.PROVINCIAL, region=province, term_number=14)
    with translation.override("zh-hans"):
        assert str(national) == "第十四届全国人民代表大会"
        assert str(provincial) == "广东省第十四届人民代表大会"


def test_english_writes_the_term_in_digits():
    congress = CongressFactory(level=Level.CITY, term_number=16)
    with translation.override("en"):
        assert "十" not in str(congress) and "16" in str(congress)
