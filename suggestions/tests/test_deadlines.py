import datetime

import pytest

from suggestions import deadlines

D = datetime.date


@pytest.mark.parametrize(
    ("assigned", "is_complex", "expected"),
    [
        (D(2026, 3, 15), False, D(2026, 6, 15)),
        (D(2026, 11, 30), False, D(2027, 2, 28)),  # no 30 February: the month's last day
        (D(2027, 11, 30), False, D(2028, 2, 29)),  # leap year
        (D(2027, 8, 31), True, D(2028, 2, 29)),
        (D(2026, 8, 31), True, D(2027, 2, 28)),
        (D(2026, 12, 31), False, D(2027, 3, 31)),
        (D(2028, 2, 29), False, D(2028, 5, 29)),
    ],
)
def test_the_reply_deadline_is_three_or_six_calendar_months(assigned, is_complex, expected, settings):
    settings.SUGGESTION_DEFAULT_MONTHS, settings.SUGGESTION_COMPLEX_MONTHS = 3, 6
    assert deadlines.reply_deadline(assigned, is_complex=is_complex) == expected


def test_the_months_are_settings(settings):
    settings.SUGGESTION_DEFAULT_MONTHS = 2
    assert deadlines.reply_deadline(D(2026, 1, 31), is_complex=False) == D(2026, 3, 31)


def test_co_units_answer_the_lead_unit_a_month_after_assignment(settings):
    settings.SUGGESTION_CO_OPINION_MONTHS = 1
    assert deadlines.co_opinion_deadline(D(2026, 1, 31)) == D(2026, 2, 28)
