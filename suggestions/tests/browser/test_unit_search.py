"""Staff type part of a unit's name into the suggestion list's unit filter, pick it from what the search finds
(core/autocomplete.py), and the list shows that unit's suggestions only (issue 18)."""

import re
from typing import cast

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from congress.testing.axe import install_axe, report, violations
from congress.testing.browser import log_in
from representatives.models import HandlingUnit
from representatives.tests.factories import HandlingUnitFactory, StaffFactory
from suggestions.models import Assignment
from suggestions.tests.factories import AssignmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_search_the_unit_filter_pick_a_unit_and_the_list_filters(desktop_page, regions):
    page: Page = desktop_page
    install_axe(page.context)
    staff = StaffFactory(region=regions.county_a, username="staff_unit_search")
    HandlingUnitFactory.create_batch(40, region=regions.county_a)
    water = cast(HandlingUnit, HandlingUnitFactory(region=regions.county_a, name="蓬江区水利局"))
    roads = cast(HandlingUnit, HandlingUnitFactory(region=regions.county_a, name="蓬江区交通运输局"))
    mine = cast(
        Assignment,
        AssignmentFactory(
            suggestion__congress__region=regions.county_a, suggestion__title="关于疏浚排洪渠的建议", unit=water
        ),
    )
    other = cast(
        Assignment,
        AssignmentFactory(
            suggestion__congress__region=regions.county_a, suggestion__title="关于修缮乡道的建议", unit=roads
        ),
    )
    log_in(page, staff, next_url=reverse("staff:suggestions"))
    expect(page.get_by_text(other.suggestion.title)).to_be_visible()

    # The label names the search box, which is reached from the keyboard like any field.
    search = page.get_by_role("combobox", name="承办单位", exact=True)
    search.click()
    search.press_sequentially("水利")
    option = page.get_by_role("option", name="蓬江区水利局（蓬江区）")
    expect(option).to_be_visible()
    expect(page.locator("#id_unit-ts-dropdown").get_by_role("option")).to_have_count(1)
    open_violations = violations(page)
    assert not open_violations, report({"unit search open": open_violations})
    search.press("Enter")
    expect(page.locator("#id_unit")).to_have_value(str(water.pk))
    page.get_by_role("button", name="查询").click()

    expect(page).to_have_url(re.compile(rf"[?&]unit={water.pk}(&|$)"))
    expect(page.get_by_text(mine.suggestion.title)).to_be_visible()
    expect(page.get_by_text(other.suggestion.title)).to_have_count(0)
    # The page comes back with the chosen unit, rendered by the server as the select's only option.
    expect(page.locator("#id_unit")).to_have_value(str(water.pk))
    # (Region, congress and group filters are searched boxes too: this one is the unit's, next to its select.)
    expect(page.locator("#id_unit + .ts-wrapper")).to_contain_text("蓬江区水利局（蓬江区）")
    chosen_violations = violations(page)
    assert not chosen_violations, report({"unit chosen": chosen_violations})
