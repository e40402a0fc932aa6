"""Digest schedules for tests: zones, DST change days, instants written as ISO text."""

from __future__ import annotations

from datetime import datetime

from bot.services.core.schedule import (
    DigestSchedule,
)

NEW_YORK = "America/New_York"

BERLIN = "Europe/Berlin"

# Each 2026 change day, a daily slot that it affects, a start the day before, and the three runs
# our rules give: the day before, the change day, the day after (local time, with its offset).
CHANGE_DAYS = {
    "new-york-spring-forward": (
        NEW_YORK,
        "02:30",
        "2026-03-07T00:00-05:00",
        ["2026-03-07T02:30-05:00", "2026-03-08T03:00-04:00", "2026-03-09T02:30-04:00"],
    ),
    "new-york-fall-back": (
        NEW_YORK,
        "01:30",
        "2026-10-31T00:00-04:00",
        ["2026-10-31T01:30-04:00", "2026-11-01T01:30-04:00", "2026-11-02T01:30-05:00"],
    ),
    "berlin-spring-forward": (
        BERLIN,
        "02:30",
        "2026-03-28T00:00+01:00",
        ["2026-03-28T02:30+01:00", "2026-03-29T03:00+02:00", "2026-03-30T02:30+02:00"],
    ),
    "berlin-fall-back": (
        BERLIN,
        "02:30",
        "2026-10-24T00:00+02:00",
        ["2026-10-24T02:30+02:00", "2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00"],
    ),
}


def at(text: str) -> datetime:
    """An aware instant from ISO text with an offset."""
    return datetime.fromisoformat(text)


def make_schedule(days: str = "daily", times: str = "08:30", zone: str = BERLIN) -> DigestSchedule:
    return DigestSchedule.parse(days, times, zone)
