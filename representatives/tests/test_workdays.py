import datetime

import pytest

from representatives import workdays
from representatives.models import CalendarYear

D = datetime.date


@pytest.mark.django_db
class TestAddWorkingDays:
    def test_weekends_are_skipped(self):
        # Friday 2025-03-07 + 1 working day is Monday 2025-03-10.
        assert workdays.add_working_days(D(2025, 3, 7), 1) == workdays.Deadline(D(2025, 3, 10), False)

    def test_national_day_holidays_are_skipped_and_make_up_days_count(self):
        # 2025-09-28 (Sunday) is a make-up workday; 10-01..10-08 are holidays; 10-11 (Saturday) is a workday.
        assert workdays.add_working_days(D(2025, 9, 27), 1).date == D(2025, 9, 28)
        assert workdays.add_working_days(D(2025, 9, 30), 1).date == D(2025, 10, 9)
        assert workdays.add_working_days(D(2025, 10, 10), 1).date == D(2025, 10, 11)

    def test_a_year_with_no_schedule_counts_weekends_only_and_is_provisional(self):
        deadline = workdays.add_working_days(D(2026, 12, 25), 10)
        # 2026-12-25 is a Friday; ten weekdays later, with 2027 unknown, is 2027-01-08.
        assert deadline == workdays.Deadline(D(2027, 1, 8), True)

    def test_publishing_the_year_recomputes_through_the_registered_hooks(self, monkeypatch):
        seen = []
        monkeypatch.setattr(workdays, "deadline_recomputers", [lambda year: seen.append(year) or 3])
        recomputed = workdays.calendar_year_publish(
            year=2027, days=[(D(2027, 1, 1), False, "元旦"), (D(2027, 1, 4), False, "元旦")], source="国务院办公厅"
        )
        assert recomputed == 3 and seen == [2027]
        assert CalendarYear.objects.filter(year=2027).exists()
        assert workdays.add_working_days(D(2026, 12, 31), 1) == workdays.Deadline(D(2027, 1, 5), False)

    def test_no_date_makes_it_fail(self):
        for start in (D(2004, 1, 1), D(2026, 2, 10), D(2030, 12, 31), D(2028, 2, 28)):
            assert workdays.add_working_days(start, 60).date > start

    def test_leap_day_is_an_ordinary_day(self):
        # 2028-02-28 is a Monday; the next working day is the leap day.
        assert workdays.add_working_days(D(2028, 2, 28), 1).date == D(2028, 2, 29)
