"""The project's ``date`` filter writes what Django's writes (congress/template_dates.py)."""

import datetime
import re
import zoneinfo

import pytest
from django.template import Context, Engine, Template
from django.template.defaultfilters import date as djangos_date
from django.utils import timezone, translation

from congress.template_dates import date as fast_date

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
VALUES = [
    datetime.date(2026, 1, 5),
    datetime.date(999, 12, 31),
    datetime.datetime(2026, 7, 1, 9, 5),
    datetime.datetime(2026, 12, 31, 23, 59, 59),
    # 16:30 UTC on New Year's Eve is the next day and year in Shanghai.
    datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 1, 0, 0, tzinfo=SHANGHAI),
    None,
    "",
    "2026-01-05",
]
FORMATS = ["Y-m-d", "Y-m-d H:i", "m-d", "Y年n月j日", "l", "DATE_FORMAT", None]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("arg", FORMATS)
def test_the_same_text_as_djangos_filter(language, value, arg):
    with translation.override(language), timezone.override(SHANGHAI):
        value = (
            timezone.localtime(value) if isinstance(value, datetime.datetime) and timezone.is_aware(value) else value
        )
        try:
            expected = djangos_date(value, arg)
        except TypeError as exc:  # a date with a time format: Django refuses it, and so must the fast one
            with pytest.raises(TypeError, match=re.escape(str(exc))):
                fast_date(value, arg)
            return
        assert fast_date(value, arg) == expected


def test_templates_use_it_and_show_aware_times_in_the_office_time_zone():
    from congress.template_dates import date

    engine = Engine.get_default()
    template = Template('{{ moment|date:"Y-m-d H:i" }} {{ day|date:"m-d" }}', engine=engine)
    assert template.engine.template_builtins[-1].filters["date"] is date
    moment = datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC)
    rendered = template.render(Context({"moment": moment, "day": datetime.date(2026, 2, 3)}))
    assert rendered == "2027-01-01 00:30 02-03"
