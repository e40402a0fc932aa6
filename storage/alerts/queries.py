"""Named queries behind alerts: transitions nobody has claimed yet, abandoned claims."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, Date, Table, and_, cast, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from storage.alerts.tables import Alert, AlertKind
from storage.core import claims
from storage.orders.tables import EventKind, Order, OrderEvent

ALERTS: Table = SQLModel.metadata.tables["alerts"]
EVENTS: Table = SQLModel.metadata.tables["order_events"]
TRANSITION_KEY = ("order_id", "kind", "transition")  # the unique key: one alert per transition


def _due() -> ColumnElement[date]:
    # The same expression as ix_orders_open_due, so the planner can use that index.
    return func.coalesce(col(Order.current_eta), col(Order.promised_date))


async def overdue_candidates(
    session: AsyncSession, today: date, earliest: date, now: datetime, limit: int
) -> list[Order]:
    """Open, awake orders whose due date passed (on or after `earliest`, before `today`) and
    that have no alert for that due date yet, longest overdue first."""
    alerted = exists().where(
        col(Alert.order_id) == col(Order.id),
        col(Alert.kind) == AlertKind.OVERDUE.value,
        col(Alert.due_date) == _due(),
    )
    awake = or_(col(Order.snoozed_until).is_(None), col(Order.snoozed_until) <= now)
    query = (
        select(Order)
        .where(col(Order.closed_at).is_(None), _due() < today, _due() >= earliest)
        .where(awake, ~alerted)
        .order_by(_due(), col(Order.id))
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def slip_candidates(session: AsyncSession, since: datetime, limit: int) -> list[int]:
    """Ids of ETA changes at or after `since` that moved the ETA later and have no alert yet,
    oldest first."""
    alerted = exists().where(
        col(Alert.order_id) == col(OrderEvent.order_id),
        col(Alert.kind) == AlertKind.SLIPPED.value,
        col(Alert.event_id) == col(OrderEvent.id),
    )
    dialect = session.get_bind().dialect.name
    query = (
        select(EVENTS.c.id)
        .join(Order, col(Order.id) == col(OrderEvent.order_id))
        .where(col(OrderEvent.kind) == EventKind.ETA_CHANGED.value, col(OrderEvent.at) >= since)
        .where(_moved_later(dialect), ~alerted)
        # In ix_order_events_kind_at order: the scan reads the window and no further.
        .order_by(col(OrderEvent.at), col(OrderEvent.id))
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


def _moved_later(dialect: str) -> ColumnElement[bool]:
    """The slip rule of bot.services.orders.eta_rule as a filter: the new ETA is later than the
    effective ETA before the change (the old ETA, else the promise). The service applies the rule
    itself
    to what this returns; the filter only keeps earlier moves out of the scan."""
    new, old = col(OrderEvent.new_value), col(OrderEvent.old_value)
    if dialect == "postgresql":
        return and_(
            new.is_not(None),
            cast(new, Date) > func.coalesce(cast(old, Date), col(Order.promised_date)),
        )
    # SQLite keeps dates as ISO text, and ISO dates sort as text the way they sort as dates.
    return new > func.coalesce(old, col(Order.promised_date))


async def abandoned(session: AsyncSession, before: datetime, limit: int) -> list[int]:
    """Ids of alerts still claimed by a holder that claimed them before `before`."""
    query = (
        select(ALERTS.c.id)
        .where(col(Alert.status) == claims.CLAIMED, col(Alert.claimed_at) < before)
        .order_by(col(Alert.claimed_at))
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def alert_by_id(session: AsyncSession, alert_id: int) -> Alert:
    """One alert (it exists: the caller holds its claim)."""
    alert = await session.get(Alert, alert_id)
    assert alert is not None, f"alert {alert_id} vanished"
    return alert
