"""The admins' part of the App Home: digest subscriptions at a glance and the sync's health."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.errors import InvalidInput
from bot.services.core.schedule import DigestSchedule, describe, next_runs
from bot.services.sync.health import SyncHealth, SyncStatusSource
from storage.digests.tables import DigestSubscription
from storage.home import queries as home_queries


@dataclass(frozen=True)
class SubscriptionLine:
    """One digest subscription as an admin sees it on the Home tab."""

    subscription: DigestSubscription
    schedule: str  # "Mon–Fri at 08:30 (Europe/Berlin)", or the stored text when unreadable
    next_run: datetime | None  # None when paused or unreadable
    problem: str | None = None  # why the stored schedule cannot be read


@dataclass(frozen=True)
class AdminPanel:
    """Digest subscriptions (the first few and the count) and the upstream sync status."""

    subscriptions: list[SubscriptionLine]
    total_subscriptions: int
    sync: SyncHealth | None  # None: no upstream sync configured


class AdminPanels:
    """Builds the admin panel from the subscriptions table and the sync status source."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        sync_status: SyncStatusSource | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.sync_status = sync_status  # the lead wires the sync service in at merge

    async def panel(self, limit: int) -> AdminPanel:
        """The first `limit` subscriptions with their next run, and the sync status."""
        async with self._sessions() as session:
            subscriptions, total = await home_queries.digest_subscriptions(session, limit)
        now = self._clock()
        lines = [_line(subscription, now) for subscription in subscriptions]
        sync = await self.sync_status.status() if self.sync_status is not None else None
        return AdminPanel(lines, total, sync)


def _line(subscription: DigestSubscription, now: datetime) -> SubscriptionLine:
    try:
        schedule = DigestSchedule.parse(subscription.days, subscription.times, subscription.zone)
    except InvalidInput as exc:
        stored = f"{subscription.days} {subscription.times} ({subscription.zone})"
        return SubscriptionLine(subscription, stored, None, exc.message)
    runs = [] if subscription.paused else next_runs(schedule, now, 1)
    return SubscriptionLine(subscription, describe(schedule), runs[0] if runs else None)
