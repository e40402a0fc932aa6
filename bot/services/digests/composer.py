"""Composes a digest: one indexed query for candidate orders, then the one set of lag rules."""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.calendar import business_days_between, subtract_business_days
from bot.services.digests.content import (
    Assembly,
    DigestContent,
    DigestOrder,
    DigestRow,
    assemble,
)
from bot.services.digests.spec import DigestSpec
from bot.services.orders.lagging import LagKind, LagRules, lag_reasons
from bot.services.sync import Freshness
from storage.digests import candidates as digest_orders
from storage.digests.candidates import LagBounds
from storage.orders.lookups import OrderFilter


@dataclass(frozen=True)
class _Evaluation:
    """The clock and rules every row of one digest is judged by."""

    spec: DigestSpec
    rules: LagRules
    now: datetime
    today: date
    zone: tzinfo
    previous: Mapping[int, int] | None

    def clock(self) -> tuple[datetime, date, LagRules, tzinfo]:
        return self.now, self.today, self.rules, self.zone


_EVERY_KIND = frozenset(LagKind)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a digest loads and judges its rows: it makes tens of
    thousands of small acyclic objects, and the collector's passes over them cost as much as
    the work itself (measured: about 40% of compose time at 50k lagging orders). Other tasks
    that run meanwhile merely collect later; the collector is back on within the second.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Open orders a customer threatened to cancel: database id -> why (customer feedback).
Threats = Callable[[], Awaitable[Mapping[int, str]]]


async def no_threats() -> Mapping[int, str]:
    return {}


# How fresh the synced orders are; None when no upstream sync feeds them.
FreshnessSource = Callable[[], Awaitable[Freshness | None]]


async def no_sync() -> Freshness | None:
    return None


class DigestComposer:
    """Builds digest content for a spec, as of the injected clock, in the bot's zone."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        zone: tzinfo,
        rules: LagRules | None = None,
        threats: Threats = no_threats,
        freshness: FreshnessSource = no_sync,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.zone = zone
        self._rules = rules or LagRules()
        self._threats = threats
        self._freshness = freshness

    async def compose(
        self, spec: DigestSpec, previous: Mapping[int, int] | None, limit: int | None
    ) -> DigestContent:
        """The digest now; `previous` is the last digest's snapshot, `limit` caps listed rows."""
        ev = self._evaluation(spec, previous)
        threats = await self._threats()
        with _collector_paused():
            async with self._sessions() as session:
                found = await digest_orders.lagging_candidates(
                    session, spec.filters.order_filter(), self.bounds(ev)
                )
                rows, snoozed = _judge(found, ev)
                at_risk = await self._at_risk(session, spec, ev, rows, threats)
            how = Assembly(
                spec.grouping, spec.only_changes, limit, previous, frozenset(snoozed), ev.today,
                ev.now,
            )  # fmt: skip
            content = assemble(rows, how, at_risk)
        return replace(content, freshness=await self._freshness())

    async def _at_risk(
        self,
        session: AsyncSession,
        spec: DigestSpec,
        ev: _Evaluation,
        rows: list[DigestRow],
        threats: Mapping[int, str],
    ) -> list[DigestRow]:
        """The threatened orders within the digest's filters, lagging or not, with the reason."""
        if not threats:
            return []
        lagging = {row.order.id: row for row in rows}
        others = threats.keys() - lagging.keys()
        found = await digest_orders.orders_with_ids(session, spec.filters.order_filter(), others)
        ages = _Ages(ev)
        extra = [_quiet_row(DigestOrder._make(values), ages, ev) for values in found]
        pinned = [lagging[i] for i in threats.keys() & lagging.keys()] + extra
        return [row._replace(threat=threats[row.order.id]) for row in pinned]

    def bounds(self, ev: _Evaluation) -> LagBounds:
        """The SQL bounds of the spec's kinds (thresholds counted without holidays: a superset)."""
        min_age = ev.spec.min_age_days
        return LagBounds(
            kinds=frozenset(k.value for k in ev.spec.kinds),
            today=ev.today,
            idle_before=self._start_of_day_after(ev.today, ev.rules.stale_after),
            ordered_before=self._start_of_day_after(ev.today, ev.rules.aging_after),
            min_age_before=self._start_of_day_after(ev.today, min_age) if min_age else None,
        )

    def explain_bounds(self, spec: DigestSpec) -> tuple[OrderFilter, LagBounds]:
        """The order filter and bounds of a spec now (for the benchmark's EXPLAIN)."""
        ev = self._evaluation(spec, None)
        return spec.filters.order_filter(), self.bounds(ev)

    def _evaluation(self, spec: DigestSpec, previous: Mapping[int, int] | None) -> _Evaluation:
        now = self._clock()
        rules = replace(self._rules, stale_after=spec.stale_after, aging_after=spec.aging_after)
        return _Evaluation(spec, rules, now, now.astimezone(self.zone).date(), self.zone, previous)

    def _start_of_day_after(self, today: date, business_days: int) -> datetime:
        # A timestamp whose local date is on or before this day is at least `business_days` old.
        last_day = subtract_business_days(today, business_days)
        local = datetime.combine(last_day + timedelta(days=1), time(), self.zone)
        return local.astimezone(UTC)


def _judge(found: Sequence[Any], ev: _Evaluation) -> tuple[list[DigestRow], list[int]]:
    """Lagging rows by the spec's kinds and minimum age; ids of those only a snooze hides."""
    rows: list[DigestRow] = []
    snoozed: list[int] = []
    kinds, previous, now, today, rules, zone = ev.spec.kinds, ev.previous, *ev.clock()
    every_kind = kinds == _EVERY_KIND
    ages = _Ages(ev)
    min_age = ev.spec.min_age_days
    for values in found:
        order = DigestOrder._make(values)
        reasons = lag_reasons(order, now, today, rules, zone)
        listed = reasons if every_kind else [k for k in reasons if k in kinds]
        if not listed:
            if _only_snoozed(order, ev) and ages.of(order) >= min_age:
                snoozed.append(order.id)
            continue
        age = ages.of(order)
        if age < min_age:
            continue
        new = previous is not None and order.id not in previous
        not_told = LagKind.NOT_TOLD in reasons
        rows.append(DigestRow(order, tuple(listed), age, new, not_told, order.due))
    return rows, snoozed


def _quiet_row(order: DigestOrder, ages: _Ages, ev: _Evaluation) -> DigestRow:
    """A row for an order listed for another reason than lagging (a cancellation threat)."""
    reasons = lag_reasons(order, ev.now, ev.today, ev.rules, ev.zone)
    return DigestRow(
        order, tuple(reasons), ages.of(order), False, LagKind.NOT_TOLD in reasons, order.due
    )


def _only_snoozed(order: DigestOrder, ev: _Evaluation) -> bool:
    """Would the order be listed if it were not snoozed?"""
    if order.snoozed_until is None or order.snoozed_until <= ev.now:
        return False
    awake = order._replace(snoozed_until=None)
    return any(k in ev.spec.kinds for k in lag_reasons(awake, ev.now, ev.today, ev.rules, ev.zone))


class _Ages:
    """Business days since each order was placed; orders share few distinct order times."""

    def __init__(self, ev: _Evaluation) -> None:
        self._ev = ev
        self._known: dict[tuple[datetime, str | None], int] = {}

    def of(self, order: DigestOrder) -> int:
        key = (order.ordered_at, order.team)
        age = self._known.get(key)
        if age is None:
            ev = self._ev
            ordered = order.ordered_at.astimezone(ev.zone).date()
            age = business_days_between(ordered, ev.today, ev.rules.holidays_for(order.team))
            self._known[key] = age
        return age
