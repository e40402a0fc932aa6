"""Composes a digest: one indexed query for candidate orders, then the one set of lag rules."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.calendar import business_days_between, subtract_business_days
from bot.services.digests.content import (
    Assembly,
    DigestContent,
    DigestOrder,
    DigestRow,
    assemble,
)
from bot.services.digests.spec import DigestSpec
from bot.services.lagging import LagKind, LagRules, lag_reasons
from storage import digest_orders
from storage.digest_orders import LagBounds
from storage.lookups import OrderFilter


@dataclass(frozen=True)
class _Evaluation:
    """The clock and rules every row of one digest is judged by."""

    spec: DigestSpec
    rules: LagRules
    now: datetime
    today: date
    zone: tzinfo
    previous: Mapping[str, int] | None


class DigestComposer:
    """Builds digest content for a spec, as of the injected clock, in the bot's zone."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        zone: tzinfo,
        rules: LagRules | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.zone = zone
        self._rules = rules or LagRules()

    async def compose(
        self, spec: DigestSpec, previous: Mapping[str, int] | None, limit: int | None
    ) -> DigestContent:
        """The digest now; `previous` is the last digest's snapshot, `limit` caps listed rows."""
        ev = self._evaluation(spec, previous)
        async with self._sessions() as session:
            found = await digest_orders.lagging_candidates(
                session, spec.filters.order_filter(), self.bounds(ev)
            )
        rows, snoozed = _judge(found, ev)
        how = Assembly(
            spec.grouping, spec.only_changes, limit, previous, frozenset(snoozed), ev.today, ev.now
        )
        return assemble(rows, how)

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

    def _evaluation(self, spec: DigestSpec, previous: Mapping[str, int] | None) -> _Evaluation:
        now = self._clock()
        rules = replace(self._rules, stale_after=spec.stale_after, aging_after=spec.aging_after)
        return _Evaluation(spec, rules, now, now.astimezone(self.zone).date(), self.zone, previous)

    def _start_of_day_after(self, today: date, business_days: int) -> datetime:
        # A timestamp whose local date is on or before this day is at least `business_days` old.
        last_day = subtract_business_days(today, business_days)
        local = datetime.combine(last_day + timedelta(days=1), time(), self.zone)
        return local.astimezone(UTC)


def _judge(found: Sequence[Any], ev: _Evaluation) -> tuple[list[DigestRow], list[str]]:
    """Lagging rows by the spec's kinds and minimum age; ids of those only a snooze hides."""
    rows: list[DigestRow] = []
    snoozed: list[str] = []
    kinds, previous = ev.spec.kinds, ev.previous
    for values in found:
        order = DigestOrder(*values)
        reasons = _listed_reasons(order, ev, kinds)
        if reasons is None:
            continue
        age = _age(order, ev)
        if age < ev.spec.min_age_days:
            continue
        if not reasons:
            snoozed.append(str(order.id))
            continue
        new = previous is not None and str(order.id) not in previous
        rows.append(DigestRow(order, reasons, age, new))
    return rows, snoozed


def _listed_reasons(
    order: DigestOrder, ev: _Evaluation, kinds: frozenset[LagKind]
) -> tuple[LagKind, ...] | None:
    """The wanted reasons; () when only a snooze hides them; None when the order is fine."""
    reasons = [k for k in lag_reasons(order, ev.now, ev.today, ev.rules, ev.zone) if k in kinds]
    if reasons:
        return tuple(reasons)
    if order.snoozed_until is None or order.snoozed_until <= ev.now:
        return None
    awake = replace(order, snoozed_until=None)
    hidden = [k for k in lag_reasons(awake, ev.now, ev.today, ev.rules, ev.zone) if k in kinds]
    return () if hidden else None


def _age(order: DigestOrder, ev: _Evaluation) -> int:
    ordered = order.ordered_at.astimezone(ev.zone).date()
    return business_days_between(ordered, ev.today, ev.rules.holidays_for(order.team))
