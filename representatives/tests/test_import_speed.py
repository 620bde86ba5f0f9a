import collections
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from representatives.resources import import_roster
from representatives.tests.conftest import roster_row, roster_upload

pytestmark = pytest.mark.django_db


def test_profile(regions, congress_a, groups, staff_a):
    rows = [roster_row(**{"代表编号": f"P{i:05d}"}) for i in range(200)]
    upload = roster_upload(rows)
    with CaptureQueriesContext(connection) as ctx:
        outcome = import_roster(upload, user=staff_a)
    assert outcome.ok, outcome.errors[:3]
    shapes = collections.Counter(re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"])[:160] for q in ctx.captured_queries)
    for sql, n in shapes.most_common(30):
        print(n, sql)
    print("TOTAL", len(ctx.captured_queries))
