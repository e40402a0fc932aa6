"""Team figures for the App Home: open orders, lagging, median age, share of customers told.

Speed at 1M orders / 100k open (a choice, stated here): the figures read only the columns the
lag rules need, streamed in chunks as plain tuples (no ORM objects), and are cached per team
for FIGURES_TTL. Once figures exist, expired ones are still served while a fresh computation
runs in the background (about 2.6 s for all 100k open orders on SQLite, see bench/home_bench.py),
so only the first Home open of a team after start-up waits for it. The lag rules stay in Python,
written once (bot.services.orders.lagging), rather than copied into SQL; the median is taken in
Python from a histogram of ages, so it works the same on SQLite and PostgreSQL. The Home shows when
the
figures were computed ("as of 09:05").
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.calendar import business_days_between
from bot.services.orders.lagging import (
    LagKind,
    LagRules,
    customer_told,
    due_date,
    lag_reasons,
)
from storage.home import queries as home_queries
from storage.orders.facts import OrderFacts, open_order_facts

log = logging.getLogger(__name__)
FIGURES_TTL = timedelta(minutes=5)
MAX_TEAMS = 99  # a static select holds 100 options; one is "All teams"


@dataclass(frozen=True)
class TeamFigures:
    """One team's open backlog (or every team's, `team` None) at `as_of`."""

    team: str | None
    open_orders: int
    lagging: int
    median_age_days: float | None  # business days since ordered; None without open orders
    with_news: int  # open orders whose ETA changed or passed: the customer has news to hear
    told: int  # of those, how many customers heard it
    as_of: datetime
    # Lagging orders by reason (an order lagging for two reasons counts under both).
    by_reason: Mapping[LagKind, int] = field(default_factory=dict)

    @property
    def told_percent(self) -> int | None:
        """Share of customers told, of those with news; None when nobody has news."""
        return round(100 * self.told / self.with_news) if self.with_news else None


@dataclass
class _Tally:
    open_orders: int = 0
    lagging: int = 0
    with_news: int = 0
    told: int = 0
    ages: Counter[int] = field(default_factory=Counter)  # orders by age in business days
    reasons: Counter[LagKind] = field(default_factory=Counter)


class TeamFiguresService:
    """Computes team figures in one streamed pass and keeps them for FIGURES_TTL."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        zone: tzinfo,
        rules: LagRules,
        ttl: timedelta = FIGURES_TTL,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._zone = zone
        self._rules = rules
        self._ttl = ttl
        self._cache: dict[str | None, TeamFigures] = {}
        self._teams: tuple[datetime, list[str]] | None = None
        self._locks: dict[str | None, asyncio.Lock] = {}
        self._refreshing: dict[str | None, asyncio.Task[TeamFigures]] = {}

    async def figures(self, team: str | None) -> TeamFigures:
        """The team's figures; older than `ttl`, they are refreshed in the background."""
        key = team.lower() if team else None
        cached = self._cache.get(key)
        if cached is None:
            return await self.refresh(key)  # nothing to show yet: wait for the first ones
        if self._expired(cached) and key not in self._refreshing:
            task = asyncio.create_task(self.refresh(key), name=f"team figures {key}")
            self._refreshing[key] = task
            task.add_done_callback(lambda done: self._refreshed(key, done))
        return cached

    async def refresh(self, team: str | None) -> TeamFigures:
        """Compute the team's figures now, unless fresh ones exist (callers share the work)."""
        key = team.lower() if team else None
        async with self._locks.setdefault(key, asyncio.Lock()):
            cached = self._cache.get(key)
            if cached is None or self._expired(cached):
                cached = self._cache[key] = await self._compute(key)
            return cached

    async def settle(self) -> None:
        """Wait for background refreshes (tests, shutdown)."""
        while self._refreshing:
            await asyncio.gather(*self._refreshing.values(), return_exceptions=True)

    async def teams(self) -> list[str]:
        """Teams with open orders (lower case), at most MAX_TEAMS, cached like the figures."""
        now = self._clock()
        if self._teams is None or now - self._teams[0] >= self._ttl:
            async with self._sessions() as session:
                self._teams = (now, await home_queries.open_teams(session, MAX_TEAMS))
        return self._teams[1]

    def _expired(self, figures: TeamFigures) -> bool:
        return self._clock() - figures.as_of >= self._ttl

    def _refreshed(self, key: str | None, task: asyncio.Task[TeamFigures]) -> None:
        self._refreshing.pop(key, None)
        if not task.cancelled() and task.exception() is not None:
            # The stale figures stay; the next Home open tries again.
            log.error("refreshing team figures failed", exc_info=task.exception())

    async def _compute(self, team: str | None) -> TeamFigures:
        now = self._clock()
        today = now.astimezone(self._zone).date()
        tally = _Tally()
        async with self._sessions() as session:
            async for chunk in open_order_facts(session, team=team):
                for facts in chunk:
                    self._count(tally, facts, now, today)
        return TeamFigures(
            team=team,
            open_orders=tally.open_orders,
            lagging=tally.lagging,
            median_age_days=median(tally.ages),
            with_news=tally.with_news,
            told=tally.told,
            as_of=now,
            by_reason=dict(tally.reasons),
        )

    def _count(self, tally: _Tally, facts: OrderFacts, now: datetime, today: date) -> None:
        tally.open_orders += 1
        reasons = lag_reasons(facts, now, today, self._rules, self._zone)
        if reasons:
            tally.lagging += 1
            tally.reasons.update(reasons)
        if facts.eta_changed_at is not None or due_date(facts) < today:
            tally.with_news += 1
            tally.told += customer_told(facts, today, self._zone)
        ordered = facts.ordered_at.astimezone(self._zone).date()
        tally.ages[business_days_between(ordered, today, self._rules.holidays_for(facts.team))] += 1


def median(histogram: Counter[int]) -> float | None:
    """The median of the values counted in `histogram` (the mean of the middle two if even)."""
    total = sum(histogram.values())
    if total == 0:
        return None
    middle = ((total - 1) // 2, total // 2)  # zero-based positions of the middle value(s)
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while len(found) < 2 and middle[len(found)] < seen:
            found.append(value)
        if len(found) == 2:
            break
    return (found[0] + found[1]) / 2
