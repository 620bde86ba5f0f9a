"""A leader opens the key suggestions they lead and records the 二次验收 of one the unit has replied to."""

from typing import cast

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from congress.testing.browser import log_in, screenshot
from representatives.models import User
from representatives.tests.factories import LeaderFactory
from suggestions.models import Suggestion, Supervision
from suggestions.tests.factories import SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_records_the_acceptance_from_the_key_suggestions_page(desktop_page, regions):
    page = desktop_page
    leader = cast(User, LeaderFactory(region=regions.county_a, username="leader_key"))
    suggestion = cast(
        Suggestion,
        SuggestionFactory(
            congress__region=regions.county_a,
            status=Suggestion.Status.REPLIED,
            is_key=True,
            supervising_leader=leader,
            title="关于整治潭江沿岸排污口的建议",
        ),
    )
    log_in(page, leader, next_url=reverse("staff:key_suggestions"))
    row = page.locator("[data-key-suggestions] tr", has_text=suggestion.title)
    expect(row).to_contain_text("已答复")
    row.get_by_role("link", name="登记二次验收").click()

    page.get_by_label("验收通过").check()
    page.get_by_label("验收情况").fill("排污口已封堵，沿岸水质明显好转。")
    screenshot(page, "leader-acceptance")
    page.get_by_role("button", name="记录验收结果").click()

    expect(page.get_by_role("alert").first).to_contain_text("二次验收已记录。")
    expect(page.get_by_text("验收通过").first).to_be_visible()
    record = Supervision.objects.get(suggestion=suggestion)
    assert (record.kind, record.result, record.by_id) == ("acceptance", "passed", leader.pk)
