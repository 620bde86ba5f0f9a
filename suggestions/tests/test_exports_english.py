"""The suggestion export downloaded in English: the cells the export builds (units and their roles, deadlines,
replies, promises, ratings, co-signers) carry English punctuation, none of the full-width marks (core.text)."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from suggestions import services
from suggestions.models import CoSigner
from suggestions.tests.factories import pdf

FULL_WIDTH = set("：（）、，；")
BUILT_COLUMNS = (
    "Handling units and roles",
    "Reply deadline",
    "Reply class and reply date",
    "Co-signing deputies",
)


@pytest.fixture(autouse=True)
def _chinese_afterwards():
    # The request below switches this thread to English (LocaleMiddleware); the tests after it expect Chinese.
    yield
    translation.activate("zh-hans")


@pytest.mark.django_db
def test_an_english_export_has_no_full_width_punctuation_in_the_cells_it_builds(
    client, flow, staff_a, author, cosigner, co_clerk, lead_clerk
):
    draft = flow.draft(title="Crossing")
    services.cosigners_invite(suggestion=draft, deputies=[cosigner.deputy], by=author)
    services.cosign_respond(cosigner=CoSigner.objects.get(deputy=cosigner.deputy), by=cosigner, accept=True)
    suggestion = services.suggestion_submit(suggestion=draft, by=author)
    suggestion = services.suggestion_register(suggestion=suggestion, by=staff_a)
    suggestion = services.suggestion_assign(
        suggestion=suggestion, by=staff_a, lead_unit=flow.lead_unit, co_units=[flow.co_unit]
    )
    services.co_opinion_submit(assignment=suggestion.assignments.get(role="co"), by=co_clerk, text="OK")
    services.reply_submit(
        assignment=flow.lead_part(suggestion), by=lead_clerk, reply_class="A", text="Done", document=pdf()
    )

    client.force_login(staff_a)
    response = client.get(reverse("staff:suggestions"), {"export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, row = [list(values) for values in sheet.iter_rows(values_only=True)]
    cells = dict(zip(header, row, strict=True))

    # The separators and brackets the export writes itself, between names it was given.
    units = cells["Handling units and roles"]
    assert " (" in units and "; " in units, units
    for column in BUILT_COLUMNS:
        assert cells[column], column
        assert not set(str(cells[column])) & FULL_WIDTH, (column, cells[column])
