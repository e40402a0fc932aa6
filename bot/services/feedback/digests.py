"""The weekly feedback report per channel: subscriptions, and which runs are due now.

A subscription is a digest_subscriptions row of kind "feedback": one per channel, one day and
one time a week in the bot's zone, optionally one team. Delivery is exactly-once through the
same claim rows as the lagging digest (bot.services.digests.claims).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.errors import InvalidInput
from bot.services.core.roles import Role, RoleBook
from bot.services.core.schedule import (
    DigestSchedule,
    Slot,
    format_days,
    format_times,
    next_slots,
    parse_days,
    parse_times,
)
from storage.digests import subscriptions as subscription_queries
from storage.digests.tables import DigestSubscription

DEFAULT_DAY = "mon"
DEFAULT_TIME = "09:00"
REPORT_DAYS = 7  # the weekly report covers the week before each run


@dataclass(frozen=True)
class FeedbackSubscription:
    """A channel's weekly report as configured."""

    channel_id: str
    schedule: DigestSchedule
    team: str | None
    next_run: datetime


@dataclass(frozen=True)
class DueReport:
    """One run to deliver now, if its claim can be had."""

    subscription_id: int
    channel_id: str
    created_by: str
    team: str | None
    slot: Slot
    grace: timedelta


class FeedbackDigests:
    """Subscribe and unsubscribe channels; find the runs that are due."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        zone: tzinfo,
        roles: RoleBook,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._zone_name = str(zone)
        self._roles = roles

    async def subscribe(
        self,
        channel_id: str,
        *,
        actor: str,
        day: str | None = None,
        at: str | None = None,
        team: str | None = None,
    ) -> FeedbackSubscription:
        """Post the report in the channel weekly (Monday 09:00 unless told); again: reschedule."""
        self._roles.require(actor, Role.REP, action="schedule feedback reports")
        schedule = self._weekly(day or DEFAULT_DAY, at or DEFAULT_TIME)
        now, filters = self._clock(), {"team": team.strip()} if team and team.strip() else {}
        async with self._sessions() as session, session.begin():
            row = await subscription_queries.feedback_subscription(session, channel_id)
            if row is None:
                row = DigestSubscription(
                    channel_id=channel_id, kind=subscription_queries.FEEDBACK_KIND,
                    created_by=actor, days="", times="", zone="", created_at=now, updated_at=now,
                )  # fmt: skip
                session.add(row)
            row.days, row.times = format_days(schedule.days), format_times(schedule.times)
            row.zone, row.filters, row.paused = schedule.zone, filters, False
            row.created_by, row.updated_at = actor, now
        [first] = next_slots(schedule, now, 1)
        return FeedbackSubscription(channel_id, schedule, filters.get("team"), first.at)

    async def unsubscribe(self, channel_id: str, *, actor: str) -> bool:
        """Stop the channel's report; False when it had none. Past runs stay on record."""
        self._roles.require(actor, Role.REP, action="schedule feedback reports")
        async with self._sessions() as session, session.begin():
            row = await subscription_queries.feedback_subscription(session, channel_id)
            if row is None or row.paused:
                return False
            row.paused, row.updated_at = True, self._clock()
        return True

    async def due(self) -> list[DueReport]:
        """The latest run of each subscription that is past and still within its grace."""
        now = self._clock()
        async with self._sessions() as session:
            rows = await subscription_queries.active_feedback_subscriptions(session)
        found = [self._due(row, now) for row in rows]
        return [report for report in found if report is not None]

    async def record(self, subscription_id: int, error: str | None) -> None:
        """Remember how the last delivery went (shown to whoever asks about the channel)."""
        now = self._clock()
        async with self._sessions() as session, session.begin():
            row = await session.get(DigestSubscription, subscription_id)
            if row is None:
                return
            if error is None:
                row.last_success_at = now
            else:
                row.last_error, row.last_error_at = error, now

    def _due(self, row: DigestSubscription, now: datetime) -> DueReport | None:
        assert row.id is not None
        schedule = DigestSchedule.parse(row.days, row.times, row.zone)
        grace = timedelta(minutes=row.grace_minutes)
        past = [s for s in next_slots(schedule, now - grace, 2) if s.at <= now]
        if not past:
            return None
        team = row.filters.get("team") if isinstance(row.filters, dict) else None
        return DueReport(row.id, row.channel_id, row.created_by, team, past[-1], grace)

    def _weekly(self, day: str, at: str) -> DigestSchedule:
        days, times = parse_days(day), parse_times(at)
        if len(days) != 1:
            raise InvalidInput("days", "Pick one day of the week, like mon: the report is weekly.")
        if len(times) != 1:
            raise InvalidInput("times", "Pick one time, like 09:00.")
        return DigestSchedule(days, times, self._zone_name)
