"""Names joined by a middle dot (阿卜杜·艾尼) are found whichever look-alike was stored or typed.

The folding runs in SQL, so these tests run on SQLite and on PostgreSQL alike (CI runs the suite on both).
"""

import pytest
from django.urls import reverse

from representatives.filters import ActivityFilter, DeputyFilter
from representatives.models import ActivityRecord, Deputy
from representatives.names import fold_dots
from representatives.tests.factories import ActivityRecordFactory, DeputyFactory, MembershipFactory
from suggestions.forms_deputy import search_deputies

pytestmark = pytest.mark.django_db

# The middle dot, the bullet, the katakana middle dot, an ASCII full stop and a full-width one.
SPELLINGS = ["阿卜杜·艾尼", "阿卜杜•艾尼", "阿卜杜・艾尼", "阿卜杜.艾尼", "阿卜杜．艾尼"]


@pytest.fixture
def dotted(regions):
    """The same name stored with each look-alike, and a name that only shares its first part."""
    people = [DeputyFactory(region=regions.town_a, name=name) for name in SPELLINGS]
    DeputyFactory(region=regions.town_a, name="阿卜杜热合曼")
    return people


def names(queryset):
    return sorted(deputy.name for deputy in queryset)


@pytest.mark.parametrize("typed", [*SPELLINGS, "杜·艾", "杜.艾"])
def test_the_directory_filter_finds_every_spelling_of_a_dotted_name(dotted, typed):
    found = DeputyFilter({"q": typed}, queryset=Deputy.objects.all()).qs

    assert names(found) == sorted(SPELLINGS)


def test_a_search_without_a_dot_is_a_plain_substring_search(dotted):
    found = DeputyFilter({"q": "阿卜杜"}, queryset=Deputy.objects.all()).qs

    assert names(found) == sorted([*SPELLINGS, "阿卜杜热合曼"])


def test_the_activity_filter_folds_the_deputys_name(dotted):
    ActivityRecordFactory(deputy=dotted[1])
    ActivityRecordFactory(deputy=DeputyFactory(name="艾尼"))

    found = ActivityFilter({"q": "阿卜杜·艾尼"}, queryset=ActivityRecord.objects.all()).qs

    assert [record.deputy.name for record in found] == ["阿卜杜•艾尼"]


def test_the_staff_directory_page_finds_a_name_typed_with_a_full_stop(client, staff_a, dotted):
    client.force_login(staff_a)

    response = client.get(reverse("staff:directory"), {"q": "阿卜杜.艾尼"})

    assert response.context["page"].paginator.count == len(SPELLINGS)


def test_the_public_directory_folds_the_dots_too(client, dotted, congress_a):
    MembershipFactory(deputy=dotted[2], congress=congress_a)

    response = client.get(reverse("public:directory"), {"q": "阿卜杜·艾尼"})

    assert [deputy.name for deputy in response.context["page"].object_list] == ["阿卜杜・艾尼"]


@pytest.mark.parametrize("page", ["deputy", "membership"])
def test_the_admin_search_folds_the_dots(client, staff_a, dotted, congress_a, page):
    for deputy in dotted:
        MembershipFactory(deputy=deputy, congress=congress_a)
    client.force_login(staff_a)

    response = client.get(reverse(f"admin:representatives_{page}_changelist"), {"q": "阿卜杜•艾尼"})

    assert response.context["cl"].result_count == len(SPELLINGS)


def test_the_cosigner_search_folds_the_dots(dotted):
    assert names(search_deputies(Deputy.objects.all(), "阿卜杜·艾尼")) == sorted(SPELLINGS)


def test_fold_dots_changes_only_the_dots():
    assert fold_dots("阿卜杜•艾尼.买买提") == "阿卜杜·艾尼·买买提"
    assert fold_dots("D0001") == "D0001"
