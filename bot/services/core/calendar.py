"""Business days: weekdays that are not holidays."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from functools import lru_cache

_SATURDAY = 5


def is_business_day(day: date, holidays: Collection[date] = ()) -> bool:
    """Monday to Friday, and not a holiday."""
    return day.weekday() < _SATURDAY and day not in holidays


def business_days_between(start: date, end: date, holidays: Collection[date] = ()) -> int:
    """Business days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    # A digest asks this for tens of thousands of orders placed on a few hundred distinct days.
    return _business_days_between(start, end, frozenset(holidays))


@lru_cache(maxsize=8192)
def _business_days_between(start: date, end: date, holidays: frozenset[date]) -> int:
    weeks, extra = divmod((end - start).days, 7)
    count = weeks * 5
    for offset in range(1, extra + 1):
        if (start + timedelta(days=offset)).weekday() < _SATURDAY:
            count += 1
    return count - sum(1 for h in holidays if start < h <= end and h.weekday() < _SATURDAY)


def subtract_business_days(end: date, days: int, holidays: Collection[date] = ()) -> date:
    """The latest date `start` with business_days_between(start, end) == days."""
    start = end
    remaining = days
    while remaining > 0:
        if is_business_day(start, holidays):
            remaining -= 1
        start -= timedelta(days=1)
    return start
