"""Deadlines of the Deputies Law: reply within three months of assignment, six where the matter is complex.

Months are calendar months with the day clamped to the month's end (30 November + 3 months = 28 or 29
February), the way offices read "三个月内".
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings


def add_months(start: datetime.date, months: int) -> datetime.date:
    return start + relativedelta(months=months)


def reply_deadline(assigned_on: datetime.date, *, is_complex: bool) -> datetime.date:
    months = settings.SUGGESTION_COMPLEX_MONTHS if is_complex else settings.SUGGESTION_DEFAULT_MONTHS
    return add_months(assigned_on, months)


def co_opinion_deadline(assigned_on: datetime.date) -> datetime.date:
    return add_months(assigned_on, settings.SUGGESTION_CO_OPINION_MONTHS)


def rehandle_deadline(restarted_on: datetime.date) -> datetime.date:
    return add_months(restarted_on, settings.SUGGESTION_REHANDLE_MONTHS)
