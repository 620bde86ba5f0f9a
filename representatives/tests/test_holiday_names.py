"""Holidays loaded from the chinese-calendar package (named in English there) read in the reader's language."""

import datetime

from django.utils import translation

from representatives.models import CalendarDay


def test_package_holiday_names_are_shown_in_chinese():
    day = CalendarDay(date=datetime.date(2026, 2, 17), is_workday=False, name="Spring Festival")
    with translation.override("zh-hans"):
        assert day.display_name == "春节"
        assert str(day) == "2026-02-17 春节"


def test_names_the_office_typed_are_shown_as_typed():
    assert CalendarDay(date=datetime.date(2027, 1, 1), is_workday=False, name="元旦").display_name == "元旦"
