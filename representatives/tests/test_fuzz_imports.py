"""Property-based fuzzing of the spreadsheet imports: random bytes, random cells in real xlsx and csv files.

Whatever the file holds, the import answers (an outcome with errors or a success) and never raises, and a
refused file changes nothing.
"""

import datetime

import pytest
import tablib
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from representatives.models import Deputy, HandlingUnit, Level, Membership, StateLog
from representatives.resources import HandlingUnitResource, import_roster, import_units
from representatives.tests.conftest import ROSTER_HEADERS, roster_row
from representatives.tests.factories import CongressFactory

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
UNIT_HEADERS = [field.column_name for field in HandlingUnitResource().get_export_fields()]
UNIT_ROW = {
    "区域代码": "440703",
    "名称": "蓬江区交通运输局",
    "类别": "政府部门",
    "联系人": "陈科长",
    "联系电话": "0750-3300001",
    "电子邮箱": "jt@pj.gov.cn",
    "在用": "是",
}

# openpyxl cannot write control characters or lone surrogates into a cell; a csv carries anything.
xlsx_text = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=40)
csv_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
xlsx_cells = st.one_of(
    xlsx_text,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(datetime.date(1900, 3, 1), datetime.date(2100, 1, 1)),
    st.none(),
    st.sampled_from(["=1+1", '=HYPERLINK("http://x")', "440703", "是", "否", "在任", "1970-02-03"]),
)


def file_strategy(headers, template):
    """A real spreadsheet built from the valid ``template`` row with some cells replaced, or junk bytes."""

    def build(file_format, rows, drop):
        kept = [header for header in headers if header not in drop]
        dataset = tablib.Dataset(headers=kept)
        for changes in rows:
            dataset.append([changes.get(header, template.get(header, "")) for header in kept])
        if file_format == "xlsx":
            return SimpleUploadedFile("fuzz.xlsx", dataset.export("xlsx"))
        return SimpleUploadedFile("fuzz.csv", dataset.export("csv").encode("utf-8"))

    header = st.sampled_from(headers)
    spreadsheets = st.one_of(
        st.builds(
            build,
            st.just("xlsx"),
            st.lists(st.dictionaries(header, xlsx_cells, max_size=4), max_size=4),
            st.sets(header, max_size=2),
        ),
        st.builds(
            build,
            st.just("csv"),
            st.lists(st.dictionaries(header, csv_text, max_size=4), max_size=4),
            st.sets(header, max_size=2),
        ),
    )
    junk = st.builds(
        SimpleUploadedFile,
        st.sampled_from(["fuzz.xlsx", "fuzz.csv", "fuzz.xls", "fuzz", "../../fuzz.xlsx"]),
        st.binary(max_size=4096),
    )
    return st.one_of(spreadsheets, junk)


def roster_state():
    return (
        sorted(Deputy.objects.values_list("code", "name", "phone", "region_id")),
        sorted(Membership.objects.values_list("deputy__code", "congress_id", "status", "district")),
        LogEntry.objects.count(),
        StateLog.objects.count(),
    )


def unit_state():
    units = HandlingUnit.objects.values_list("name", "region_id", "contact_phone", "email")
    return sorted(units), LogEntry.objects.count()


@pytest.fixture
def roster_congress(regions):
    return CongressFactory(region=regions.county_a, level=Level.COUNTY, term_number=16, code="440703-16")


@pytest.mark.django_db
class TestRosterImportFuzz:
    @FUZZ
    @given(upload=file_strategy(ROSTER_HEADERS, roster_row(**{"代表小组": "", "专业小组": ""})))
    def test_any_file_is_answered_and_a_refused_one_changes_nothing(self, roster_congress, staff_a, upload):
        before = roster_state()
        outcome = import_roster(upload, user=staff_a)
        if not outcome.ok:
            assert outcome.errors and all(isinstance(error, str) and error for error in outcome.errors)
            assert roster_state() == before

    @FUZZ
    @given(upload=file_strategy(ROSTER_HEADERS, roster_row(**{"代表小组": "", "专业小组": ""})))
    def test_the_admin_import_page_never_errors(self, client, roster_congress, staff_a, upload):
        client.force_login(staff_a)
        client.raise_request_exception = False
        before = roster_state()
        response = client.post(
            reverse("admin:representatives_membership_import"), {"resource": "0", "import_file": upload}
        )
        assert response.status_code == 200
        # The first step is only a preview.
        assert roster_state() == before


@pytest.mark.django_db
class TestUnitImportFuzz:
    @FUZZ
    @given(upload=file_strategy(UNIT_HEADERS, UNIT_ROW))
    def test_any_file_is_answered_and_a_refused_one_changes_nothing(self, regions, staff_a, upload):
        before = unit_state()
        outcome = import_units(upload, user=staff_a)
        if not outcome.ok:
            assert outcome.errors
            assert unit_state() == before
