"""An APScheduler 3 trigger that fires on a digest schedule's slots, each exactly once.

APScheduler's own CronTrigger runs a nonexistent local time (spring forward) 30 minutes late and
a repeated one (fall back) twice; the schedule's `next_runs` does neither.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger

from bot.services.core.schedule import DigestSchedule, describe, next_runs


class SlotTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler 3 ships no type hints
    """An APScheduler 3 trigger that fires when `next_runs` says: once per slot."""

    __slots__ = ("schedule",)

    def __init__(self, schedule: DigestSchedule) -> None:
        self.schedule = schedule

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        """Like CronTrigger: the first fire may be `now` itself, later ones follow the last."""
        after = (
            now - timedelta(microseconds=1) if previous_fire_time is None else previous_fire_time
        )
        # UTC, not the local zone: aware datetimes sharing one tzinfo compare by wall clock
        # and ignore fold, so the two 01:30s of a fall-back night would compare equal.
        return next_runs(self.schedule, after, 1)[0]

    def __str__(self) -> str:
        return f"slots[{describe(self.schedule)}]"

    def __repr__(self) -> str:
        return f"<SlotTrigger ({self.schedule!r})>"
