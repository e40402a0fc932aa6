"""Digest schedules: named weekdays, local times and an IANA zone, and when each run happens.

A schedule names local wall-clock slots: every date whose weekday is in `days`, at each of `times`,
in the schedule's own zone. Every slot runs exactly once, also on DST change days:

- Ordinary slot: at that local time.
- Spring forward, the local time does not exist (02:30 in America/New_York on 2026-03-08, in
  Europe/Berlin on 2026-03-29): once, at the first instant after the gap (03:00 local), never
  skipped. When that instant is also another slot's (a 03:00 slot), the two run once together
  under the earlier slot.
- Fall back, the local time happens twice (01:30 in America/New_York on 2026-11-01, 02:30 in
  Europe/Berlin on 2026-10-25): once, at the first occurrence (fold=0), never doubled.

Runs come out in UTC, strictly after the given instant, in order. A slot's key is its local date
and wall-clock time ("2026-03-29T02:30"), not the instant: every process derives the same key
for the same run, which is what the delivery claim row is unique on.

APScheduler 3.11's CronTrigger breaks both change-day rules (pinned in
tests/jobs/digests/test_slot_trigger.py): it runs a nonexistent 02:30 at 03:30 and a repeated
time twice, so the digest jobs fire by `next_runs` (bot.jobs.digests.slot_trigger).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.services.core.errors import InvalidInput

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = weekday(), as APScheduler
ALL_DAYS = frozenset(range(7))
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
# Files in the zone directory that load but name no place: "localtime" is this machine's zone.
_NOT_PLACES = frozenset({"localtime", "posixrules", "Factory"})


def parse_days(text: str) -> frozenset[int]:
    """Weekday numbers (0 = Monday) from "mon-fri", "mon,wed,fri", "sat-sun" or "daily"."""
    spec = text.strip().lower()
    if spec == "daily":
        return ALL_DAYS
    days: set[int] = set()
    for part in spec.split(","):
        first, dash, last = part.partition("-")
        start = _day_number(first)
        end = _day_number(last) if dash else start
        # "fri-mon" wraps over the weekend, the way people say it.
        days.update((start + step) % 7 for step in range((end - start) % 7 + 1))
    return frozenset(days)


def _day_number(token: str) -> int:
    name = token.strip()
    if name in DAY_NAMES:
        return DAY_NAMES.index(name)
    if not name:
        raise InvalidInput("days", "Give days like mon-fri, mon,wed,fri or daily.")
    raise InvalidInput("days", f"'{name}' is not a day; use mon, tue, wed, thu, fri, sat, sun")


def format_days(days: Iterable[int]) -> str:
    """The canonical text `parse_days` reads back: "mon-fri", "mon,wed,fri", "daily"."""
    if frozenset(days) == ALL_DAYS:
        return "daily"
    return ",".join(_day_spans(days, DAY_NAMES, "-"))


def _day_spans(days: Iterable[int], names: Iterable[str], dash: str) -> list[str]:
    labels = tuple(names)
    spans: list[tuple[int, int]] = []
    for day in sorted(set(days)):
        if spans and spans[-1][1] == day - 1:
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return [labels[a] if a == b else f"{labels[a]}{dash}{labels[b]}" for a, b in spans]


def parse_times(text: str) -> tuple[time, ...]:
    """Local times from "08:30, 16:00" (24-hour HH:MM, comma-separated)."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise InvalidInput("times", "Give at least one time, like 08:30 or 08:30, 16:00.")
    return tuple(_parse_time(part) for part in parts)


def format_times(times: Iterable[time]) -> str:
    """The canonical text `parse_times` reads back, as stored: "08:30,16:00"."""
    return ",".join(f"{t:%H:%M}" for t in sorted(times))


def _parse_time(text: str) -> time:
    match = _TIME.fullmatch(text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidInput("times", f"'{text}' is not a time; use 24-hour HH:MM, like 08:30")
    return time(int(match[1]), int(match[2]))


@dataclass(frozen=True)
class DigestSchedule:
    """When a digest runs: weekdays (0 = Monday), local times (sorted), and an IANA zone name."""

    days: frozenset[int]
    times: tuple[time, ...]
    zone: str

    def __post_init__(self) -> None:
        if not self.days or not self.days <= ALL_DAYS:
            raise InvalidInput("days", "Pick at least one day of the week.")
        _check_times(self.times)
        if not _is_zone(self.zone):
            raise InvalidInput(
                "zone", f"'{self.zone}' is not an IANA time zone; use a name like Europe/Berlin"
            )
        # Normalised so equal schedules compare equal and a day's runs come out in order;
        # fold is the DST rules' choice, not the caller's.
        object.__setattr__(self, "days", frozenset(self.days))
        object.__setattr__(self, "times", tuple(sorted(t.replace(fold=0) for t in self.times)))

    @classmethod
    def parse(cls, days: str, times: str, zone: str) -> DigestSchedule:
        """A schedule from modal text: "mon-fri", "08:30, 16:00", "Europe/Berlin"."""
        return cls(parse_days(days), parse_times(times), zone.strip())

    @property
    def tzinfo(self) -> ZoneInfo:
        """The schedule's zone (ZoneInfo caches instances by key)."""
        return ZoneInfo(self.zone)


def _check_times(times: tuple[time, ...]) -> None:
    if not times:
        raise InvalidInput("times", "Give at least one time, like 08:30.")
    seen: set[time] = set()
    for local_time in times:
        if local_time.tzinfo is not None or local_time.second or local_time.microsecond:
            raise InvalidInput("times", f"{local_time} is not a local HH:MM time.")
        if local_time in seen:
            raise InvalidInput("times", f"{local_time:%H:%M} is listed twice.")
        seen.add(local_time)


def _is_zone(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "America"
        return False
    return zone not in _NOT_PLACES


@dataclass(frozen=True)
class Slot:
    """One run: the local date and wall-clock time it stands for, and the UTC instant it runs."""

    at: datetime
    local_date: date
    local_time: time

    @property
    def key(self) -> str:
        """The run's unique name within its schedule."""
        return slot_key(self.local_date, self.local_time)


def slot_key(local_date: date, local_time: time) -> str:
    """A slot's key: its local wall-clock date and time, "2026-03-29T02:30"."""
    return f"{local_date.isoformat()}T{local_time:%H:%M}"


def next_slots(schedule: DigestSchedule, after: datetime, count: int) -> list[Slot]:
    """The next `count` runs strictly after `after` (aware), by the DST rules above."""
    if after.utcoffset() is None:
        raise ValueError("after must be timezone-aware")
    if count < 0:
        raise ValueError("count must not be negative")
    # Start a day early: a slot late on the previous local day can land after `after`
    # when a gap pushes it past midnight.
    start = after.astimezone(schedule.tzinfo).date() - timedelta(days=1)
    return list(islice(_later_than(_slots_from(schedule, start), after.astimezone(UTC)), count))


def next_runs(schedule: DigestSchedule, after: datetime, count: int) -> list[datetime]:
    """The next `count` run instants (aware, UTC) strictly after `after`."""
    return [slot.at for slot in next_slots(schedule, after, count)]


def slot_at(schedule: DigestSchedule, instant: datetime) -> Slot | None:
    """The slot that runs at exactly `instant`, or None when nothing runs then."""
    found = next_slots(schedule, instant - timedelta(microseconds=1), 1)
    # Compared in UTC: Python calls an instant inside a fold unequal to any other zone's.
    return found[0] if found and found[0].at == instant.astimezone(UTC) else None


def _slots_from(schedule: DigestSchedule, day: date) -> Iterator[Slot]:
    zone = schedule.tzinfo
    while True:  # ends: callers take a bounded number and every week has a scheduled day
        if day.weekday() in schedule.days:
            for local_time in schedule.times:
                yield Slot(_run_instant(day, local_time, zone), day, local_time)
        day += timedelta(days=1)


def _later_than(slots: Iterator[Slot], after: datetime) -> Iterator[Slot]:
    # Slots in local order run at non-decreasing instants, so this also merges gap slots
    # that land on the same instant, keeping the earlier slot.
    last = after
    for slot in slots:
        if slot.at > last:
            last = slot.at
            yield slot


def _run_instant(day: date, local_time: time, zone: ZoneInfo) -> datetime:
    wall = datetime.combine(day, local_time)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)  # the first of a repeated time
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # In a gap, fold=1 reads the wall time with the later offset: an instant before the gap.
    return _gap_end(wall.replace(tzinfo=zone, fold=1).astimezone(UTC), first, zone)


def _gap_end(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first whole second in (before, after] with `after`'s UTC offset: where the gap ends."""
    low, high = int(before.timestamp()), int(after.timestamp())
    offset = after.astimezone(zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == offset:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def describe(schedule: DigestSchedule) -> str:
    """For people: "Mon–Fri at 08:30 and 16:00 (Europe/Berlin)"."""
    if schedule.days == ALL_DAYS:
        days = "Every day"
    else:
        days = ", ".join(_day_spans(schedule.days, (d.title() for d in DAY_NAMES), "–"))
    times = [f"{t:%H:%M}" for t in schedule.times]
    listed = times[0] if len(times) == 1 else f"{', '.join(times[:-1])} and {times[-1]}"
    return f"{days} at {listed} ({schedule.zone})"
