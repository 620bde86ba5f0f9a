"""Working-day deadlines that honour Chinese public holidays and make-up workdays (调休).

The calendar lives in the database (``CalendarDay``/``CalendarYear``), filled from the ``chinese-calendar``
package for the years it knows and edited by staff when the State Council publishes a new year. A year with
no schedule counts weekends only and the deadline is marked provisional; it never fails on a date.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from core.registry import Registry

from .models import CalendarDay, CalendarYear

# Apps whose deadlines were computed provisionally register a callable here (in AppConfig.ready); it is
# called with the year whose schedule has just been entered and returns how many deadlines it recomputed.
deadline_recomputers: Registry[Callable[[int], int]] = Registry("provisional deadline recomputers")


@dataclass(frozen=True)
class Deadline:
    date: datetime.date
    provisional: bool


def _exceptions(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    return dict(CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday"))


def add_working_days(start: datetime.date, days: int) -> Deadline:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    # Generous window: even the Spring Festival week cannot stretch n working days past 2n + 30 calendar days.
    window_end = start + datetime.timedelta(days=days * 2 + 30)
    exceptions = _exceptions(start, window_end)
    known_years = set(
        CalendarYear.objects.filter(year__gte=start.year, year__lte=window_end.year).values_list("year", flat=True)
    )
    current, counted, provisional = start, 0, False
    while counted < days:
        current += datetime.timedelta(days=1)
        if current.year not in known_years:
            provisional = True
        if exceptions.get(current, current.weekday() < 5):
            counted += 1
    return Deadline(current, provisional)


def is_working_day(day: datetime.date) -> bool:
    override = CalendarDay.objects.filter(date=day).values_list("is_workday", flat=True).first()
    return override if override is not None else day.weekday() < 5


def load_from_package(years=None) -> int:
    """Copy the holiday schedule the ``chinese-calendar`` package knows into the database; returns days written."""
    from chinese_calendar import constants

    rows = [(d, False, name) for d, name in constants.holidays.items()]
    rows += [(d, True, name) for d, name in constants.workdays.items()]
    rows = [row for row in rows if years is None or row[0].year in years]
    loaded_years = sorted({row[0].year for row in rows})
    with transaction.atomic():
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, is_workday=workday, name=name) for d, workday, name in rows],
            update_conflicts=True,
            unique_fields=["date"],
            update_fields=["is_workday", "name"],
        )
        CalendarYear.objects.bulk_create(
            [CalendarYear(year=y, source="chinese-calendar") for y in loaded_years], ignore_conflicts=True
        )
    return len(rows)


@transaction.atomic
def calendar_year_publish(*, year: int, days: list[tuple[datetime.date, bool, str]], source: str) -> int:
    """Enter a year's official schedule and recompute the provisional deadlines that fall in it."""
    if any(d.year != year for d, _, _ in days):
        raise ValueError("every day must belong to the year being published")
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create([CalendarDay(date=d, is_workday=w, name=n) for d, w, n in days])
    CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
    return sum(recompute(year) for recompute in deadline_recomputers)
