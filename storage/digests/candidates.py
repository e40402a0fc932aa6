"""The named query behind digests: open orders that may be lagging, as light rows."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Row, String, and_, false, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from storage.orders.lookups import DUE, OrderFilter, order_condition
from storage.orders.queries import ORDERS
from storage.orders.tables import OrderStatus

# What a digest shows and what the lag rules read; no notes, product text or money.
DIGEST_COLUMNS = (
    "id",
    "external_id",
    "version",
    "customer",
    "owner",
    "team",
    "sku",
    "supplier",
    "status",
    "ordered_at",
    "promised_date",
    "current_eta",
    "eta_changed_at",
    "last_activity_at",
    "last_contact_at",
    "snoozed_until",
)

_TIMESTAMPS = frozenset(
    {"ordered_at", "eta_changed_at", "last_activity_at", "last_contact_at", "snoozed_until"}
)


@dataclass(frozen=True)
class LagBounds:
    """What every order lagging by one of `kinds` satisfies; the rules decide exactly later.

    Each bound is a superset of its rule (business days are counted without holidays here,
    which can only make an order look older), so no lagging order is left out.
    """

    kinds: frozenset[str]
    today: date
    idle_before: datetime  # stale: no activity since before this instant
    ordered_before: datetime  # aging: ordered before this instant
    min_age_before: datetime | None = None  # only orders placed before this instant


def _kind_conditions(bounds: LagBounds) -> list[ColumnElement[bool]]:
    eta, promised = ORDERS.c.current_eta, ORDERS.c.promised_date
    conditions = {
        "overdue": bounds.today > DUE,
        "slipped": eta > promised,
        "no_eta": and_(
            eta.is_(None),
            or_(ORDERS.c.status == OrderStatus.BACKORDERED.value, promised < bounds.today),
        ),
        "not_told": or_(ORDERS.c.eta_changed_at.is_not(None), bounds.today > DUE),
        "stale": ORDERS.c.last_activity_at < bounds.idle_before,
        "aging": ORDERS.c.ordered_at < bounds.ordered_before,
    }
    return [conditions[kind] for kind in sorted(bounds.kinds)]


def candidate_query(where: OrderFilter, bounds: LagBounds, dialect: str) -> Any:
    """The SELECT (also for EXPLAIN): open orders matching `where` that may lag by a kind."""
    kinds = _kind_conditions(bounds)
    parts = [order_condition(where), or_(*kinds) if kinds else false()]
    if bounds.min_age_before is not None:
        parts.append(ORDERS.c.ordered_at < bounds.min_age_before)
    columns = [_selected(name, dialect) for name in DIGEST_COLUMNS]
    return select(*columns).where(*parts)


def _selected(name: str, dialect: str) -> Any:
    column = ORDERS.c[name]
    if name not in _TIMESTAMPS:
        return column
    # UTCDateTime makes each value aware with a Python call per value; for tens of thousands
    # of rows the drivers do it faster: asyncpg returns timestamptz aware in UTC already, and
    # SQLite's stored UTC text parses aware in one C call once it carries its offset.
    if dialect == "sqlite":
        text = type_coerce(column, String).concat("+00:00")
        return type_coerce(text, DateTime(timezone=True)).label(name)
    return type_coerce(column, DateTime(timezone=True)).label(name)


async def lagging_candidates(
    session: AsyncSession, where: OrderFilter, bounds: LagBounds
) -> Sequence[Row[Any]]:
    """Open orders that may be lagging, snoozed ones included (a digest counts them)."""
    # On the connection, not the ORM session: plain rows skip the ORM's per-row bookkeeping.
    connection = await session.connection()
    query = candidate_query(where, bounds, connection.dialect.name)
    return (await connection.execute(query)).all()


async def orders_with_ids(
    session: AsyncSession, where: OrderFilter, ids: Collection[int]
) -> Sequence[Row[Any]]:
    """The open orders among `ids` that match `where`, as the same light rows."""
    if not ids:
        return []
    connection = await session.connection()
    columns = [_selected(name, connection.dialect.name) for name in DIGEST_COLUMNS]
    query = select(*columns).where(order_condition(where), ORDERS.c.id.in_(sorted(ids)))
    return (await connection.execute(query)).all()
