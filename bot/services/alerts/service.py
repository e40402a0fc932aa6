"""Alerts: claim each new order transition (overdue, ETA slipped) once, across processes.

A transition is a row in `alerts` with a unique (order, kind, transition) key: the due date
that passed, or the id of the ETA change that slipped. Every process scans for transitions
without a row and claims them by inserting one; the insert that lands decides who posts.
The scans read only the last LOOKBACK: a bot that was down longer does not flood channels with
old news when it comes back, and the scans stay short index range scans.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.alerts.plans import AlertPlan, plan_alert, slip_of
from bot.services.core.claims import ClaimBook, Held
from bot.services.core.tallies import Tallies, Tally
from bot.services.core.teams import TeamChannels
from bot.services.orders.lagging import due_date
from storage.alerts import queries as alert_queries
from storage.alerts.tables import AlertKind, AlertStatus
from storage.orders import queries
from storage.orders.tables import EventKind, Order, OrderEvent

LOOKBACK = timedelta(days=3)
# Longer than posting one alert takes, 429 waits included; a crashed holder's alerts wait this.
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 10  # claims of one alert (429s, Slack down, crashes) before it is given up


class AlertService:
    """Finds and claims transitions, and records how announcing them went."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        zone: tzinfo,
        teams: TeamChannels,
        *,
        owner: str | None = None,
        lease: timedelta = LEASE,
        tallies: Tallies | None = None,
    ) -> None:
        self._sessions = sessions
        self._tallies = tallies or Tallies()
        self._clock = clock
        self._zone = zone
        self._teams = teams
        self._book = ClaimBook(
            sessions, clock, alert_queries.ALERTS, alert_queries.TRANSITION_KEY, lease, owner
        )

    @property
    def owner(self) -> str:
        return self._book.owner

    async def claim_due(self, limit: int) -> list[AlertPlan]:
        """Claim up to `limit` alerts to post: abandoned claims first, then new slips, then
        orders that became overdue."""
        plans = await self._take_over_abandoned(limit)
        async with self._sessions() as session:
            slips = await alert_queries.slip_candidates(
                session, self._clock() - LOOKBACK, limit - len(plans)
            )
        for event_id in slips:
            plans += [plan for plan in [await self.claim_slip(event_id)] if plan]
        if len(plans) < limit:
            plans += await self._claim_overdue(limit - len(plans))
        return plans

    async def claim_slip(self, event_id: int) -> AlertPlan | None:
        """Claim the alert for ETA change `event_id`; None if it was no slip or is claimed."""
        async with self._sessions() as session:
            event = await queries.event_by_id(session, event_id)
            order = await queries.order_by_id(session, event.order_id) if event else None
        if event is None or order is None or not _is_slip(event, order):
            return None
        key = _key(order, AlertKind.SLIPPED, str(event_id))
        return await self._claim(key, {"event_id": event_id})

    async def line_posted(self, plan: AlertPlan, channel: str, ts: str) -> bool:
        """The line is in the order's thread (kept, so a takeover does not post it twice)."""
        return await self._update(plan, {"channel": channel, "line_ts": ts})

    async def dm_sent(self, plan: AlertPlan, user_id: str, ts: str) -> bool:
        """The owner has their DM."""
        return await self._update(plan, {"dm_user": user_id, "dm_ts": ts})

    async def finish(self, plan: AlertPlan, status: AlertStatus, detail: str | None) -> bool:
        """Record the outcome; False if this process no longer held the claim."""
        values = {"status": status.value, "detail": detail, "finished_at": self._clock()}
        self._tallies.add(Tally.ALERTS, status.value)
        return await self._update(plan, values)

    async def release(self, plan: AlertPlan, detail: str) -> bool:
        """Slack said "later": any process (this one too) takes the alert over at its next run."""
        held = Held(plan.alert_id, True, plan.attempts)
        return await self._book.release(held, {"detail": detail})

    async def _take_over_abandoned(self, limit: int) -> list[AlertPlan]:
        async with self._sessions() as session:
            ids = await alert_queries.abandoned(session, self._book.abandoned_before(), limit)
        plans: list[AlertPlan] = []
        for alert_id in ids:
            held = await self._book.take_over(alert_id)
            plan = await self._plan(held) if held is not None else None
            if plan is not None and plan.attempts > MAX_ATTEMPTS:
                # Whatever keeps failing it (Slack down for long, a bug), stop trying.
                await self.finish(plan, AlertStatus.FAILED, f"gave up after {MAX_ATTEMPTS} tries")
            elif plan is not None:
                plans.append(plan)
        return plans

    async def _claim_overdue(self, limit: int) -> list[AlertPlan]:
        now = self._clock()
        today = now.astimezone(self._zone).date()
        async with self._sessions() as session:
            orders = await alert_queries.overdue_candidates(
                session, today, today - timedelta(days=LOOKBACK.days), now, limit
            )
        plans: list[AlertPlan] = []
        for order in orders:
            due = due_date(order)
            key = _key(order, AlertKind.OVERDUE, due.isoformat())
            plan = await self._claim(key, {"due_date": due})
            plans += [plan] if plan else []
        return plans

    async def _claim(self, key: Mapping[str, Any], values: Mapping[str, Any]) -> AlertPlan | None:
        held = await self._book.claim(key, {**values, "created_at": self._clock()})
        return await self._plan(held) if held is not None else None

    async def _plan(self, held: Held) -> AlertPlan:
        async with self._sessions() as session:
            alert = await alert_queries.alert_by_id(session, held.claim_id)
            order = await queries.order_by_id(session, alert.order_id)
            event = await _event(session, alert.event_id)
        today = self._clock().astimezone(self._zone).date()
        return plan_alert(alert, order, event, today, self._teams.channel_for(order))

    async def _update(self, plan: AlertPlan, values: Mapping[str, Any]) -> bool:
        return await self._book.update(Held(plan.alert_id, False, plan.attempts), values)


def _key(order: Order, kind: AlertKind, transition: str) -> dict[str, Any]:
    return {"order_id": order.id, "kind": kind.value, "transition": transition}


def _is_slip(event: OrderEvent, order: Order) -> bool:
    return event.kind == EventKind.ETA_CHANGED and slip_of(event, order)[2] > 0


async def _event(session: AsyncSession, event_id: int | None) -> OrderEvent | None:
    return await queries.event_by_id(session, event_id) if event_id is not None else None
