"""Reporting periods from the national rules (Decree 09/2019/NĐ-CP, Art. 12–13).

Data cut-off windows run from the 15th of the month before to the 14th of the
period's last month; the due date is set by the province. By default it falls a
number of working days after the cut-off (the decree asks for at least one), counted without
weekends and Vietnamese public holidays.
"""

import datetime
import functools
from dataclasses import dataclass

import holidays
from django.db import transaction

from .models import ReportingPeriod

DEFAULT_DUE_WORKING_DAYS = 2  # as Khánh Hòa sets it; a province adjusts its own


@dataclass(frozen=True)
class PeriodWindow:
    kind: str
    quarter: int | None
    start: datetime.date
    end: datetime.date


def is_working_day(day):
    """Monday to Friday, and not a Vietnamese public holiday: Tết by the lunar calendar, 30/4,
    1/5, 2/9, Giỗ Tổ Hùng Vương and the days off the government adds or moves (the `holidays`
    library's calendar for Vietnam)."""
    return day.weekday() < 5 and day not in _holidays(day.year)


@functools.cache
def _holidays(year):
    return holidays.country_holidays("VN", years=year)


def add_working_days(day, count):
    """The day `count` working days after `day` (is_working_day). A coordinator can still move
    any date the calendar proposes."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start, end):
    """Working days from `start` (excluded) to `end` (included); negative when `end` is earlier:
    "còn 3 ngày làm việc", "quá hạn 2 ngày làm việc". Counted, not walked day by day: a to-do
    list of past years' periods asks for thousands of days."""
    if end < start:
        return -working_days_between(end, start)
    weeks, rest = divmod((end - start).days, 7)
    tail = start + datetime.timedelta(days=7 * weeks)
    count = 5 * weeks + sum(1 for offset in range(1, rest + 1) if (tail + datetime.timedelta(days=offset)).weekday() < 5)
    days_off = sum(
        1 for year in range(start.year, end.year + 1) for day in _holidays(year) if start < day <= end and day.weekday() < 5
    )
    return count - days_off


def year_window(year):
    """The year's window: from 15/12 of the year before to the cut-off of 14/12."""
    return PeriodWindow(ReportingPeriod.Kind.YEAR, None, datetime.date(year - 1, 12, 15), datetime.date(year, 12, 14))


def national_windows(year):
    """The seven periodic windows of a year: four quarters, 6 months, 9 months, the year."""
    year_start = year_window(year).start
    windows = []
    for quarter in range(1, 5):
        last_month = quarter * 3
        start = year_start if quarter == 1 else datetime.date(year, last_month - 3, 15)
        windows.append(PeriodWindow(ReportingPeriod.Kind.QUARTER, quarter, start, datetime.date(year, last_month, 14)))
    windows.append(PeriodWindow(ReportingPeriod.Kind.HALF_YEAR, None, year_start, datetime.date(year, 6, 14)))
    windows.append(PeriodWindow(ReportingPeriod.Kind.NINE_MONTHS, None, year_start, datetime.date(year, 9, 14)))
    windows.append(year_window(year))
    return windows


def default_due_date(window, working_days=DEFAULT_DUE_WORKING_DAYS):
    return add_working_days(window.end, working_days)


@transaction.atomic
def create_periods(plan, working_days=DEFAULT_DUE_WORKING_DAYS, year_due_date=None):
    """Create the plan's missing periods from the national windows, in one step.

    Windows whose cut-off falls before the plan was issued are skipped (a plan of April
    has no first-quarter report). Existing periods are left as the coordinator set them.
    Returns the periods created."""
    created = []
    for window in national_windows(plan.year):
        if plan.issue_date and window.end < plan.issue_date:
            continue
        due = default_due_date(window, working_days)
        if window.kind == ReportingPeriod.Kind.YEAR and year_due_date:
            due = year_due_date
        period, is_new = ReportingPeriod.objects.get_or_create(
            plan=plan,
            kind=window.kind,
            quarter=window.quarter,
            defaults={"start": window.start, "end": window.end, "due_date": due},
        )
        if is_new:
            created.append(period)
    return created
