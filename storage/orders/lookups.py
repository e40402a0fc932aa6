"""Named read queries behind order lookups: by id, filtered open orders, history, suggestions."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped
from sqlmodel import col

from storage.orders.tables import OPEN_STATUSES, Order, OrderEvent

DUE = func.coalesce(col(Order.current_eta), col(Order.promised_date))


@dataclass(frozen=True)
class OrderFilter:
    """Which open orders to list; text fields match case-insensitively inside the value."""

    owner: str | None = None
    team: str | None = None
    customer: str | None = None
    sku: str | None = None
    supplier: str | None = None
    overdue_on: date | None = None  # only orders whose ETA (or promise) is before this day
    statuses: frozenset[str] = field(default_factory=lambda: frozenset(OPEN_STATUSES))


async def order_by_external_id(session: AsyncSession, external_id: str) -> Order | None:
    """The order with this id, exactly."""
    result = await session.execute(select(Order).where(col(Order.external_id) == external_id))
    return result.scalar_one_or_none()


@dataclass(frozen=True)
class OpenOrders:
    """One page of a listing; `total` is None when the caller did not ask for a count."""

    orders: list[Order]
    total: int | None
    more: bool  # another page follows (read, not inferred from the total)


async def open_orders(
    session: AsyncSession, where: OrderFilter, offset: int, limit: int, *, count: bool = True
) -> OpenOrders:
    """One page of matching orders, most overdue first, and (with `count`) how many match."""
    condition = _condition(where)
    total = select(func.count()).where(condition)
    columns: list[Any] = [Order]
    if count:
        # The count rides along as a scalar subquery (evaluated once): one statement per page
        # instead of two, which is most of the database cost of a listing behind a slash command.
        columns.append(total.scalar_subquery())
    query = (
        select(*columns)
        .where(condition)
        .order_by(DUE, col(Order.external_id))
        .offset(offset)
        .limit(limit + 1)  # one more row says whether a next page exists
    )
    rows = (await session.execute(query)).all()
    orders = [row[0] for row in rows[:limit]]
    if not count:
        return OpenOrders(orders, None, len(rows) > limit)
    if not rows:  # nothing on this page: the count still says whether anything matches
        return OpenOrders([], int((await session.execute(total)).scalar_one()), False)
    return OpenOrders(orders, int(rows[0][1]), len(rows) > limit)


async def scan_orders(
    session: AsyncSession,
    after: str | None,
    statuses: Collection[str],
    awake_at: datetime | None,
    limit: int,
) -> list[Order]:
    """Orders by external id after `after`; `awake_at`: only open ones not snoozed past it."""
    query = select(Order).order_by(col(Order.external_id)).limit(limit)
    if after is not None:
        query = query.where(col(Order.external_id) > after)
    if statuses:
        query = query.where(col(Order.status).in_(sorted(statuses)))
    if awake_at is not None:
        query = query.where(
            col(Order.closed_at).is_(None),
            or_(col(Order.snoozed_until).is_(None), col(Order.snoozed_until) <= awake_at),
        )
    return list((await session.execute(query)).scalars())


def order_condition(where: OrderFilter) -> ColumnElement[bool]:
    """The WHERE clause of `where` (digests add their own conditions to it)."""
    return _condition(where)


def _condition(where: OrderFilter) -> ColumnElement[bool]:
    # "closed_at IS NULL" is how open orders are found: it matches the partial index on the
    # due date exactly (the database keeps it in step with the status by a check constraint).
    parts: list[ColumnElement[bool]] = []
    if where.statuses <= OPEN_STATUSES:
        parts.append(col(Order.closed_at).is_(None))
    if where.statuses != OPEN_STATUSES:
        parts.append(col(Order.status).in_(sorted(where.statuses)))
    if where.owner:
        parts.append(col(Order.owner) == where.owner)
    if where.team:
        parts.append(func.lower(col(Order.team)) == where.team.lower())
    for column, text in (
        (Order.customer, where.customer),
        (Order.sku, where.sku),
        (Order.supplier, where.supplier),
    ):
        if text:
            parts.append(col(column).ilike(f"%{_escape(text)}%", escape="\\"))
    if where.overdue_on:
        parts.append(where.overdue_on > DUE)
    return and_(*parts)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def events_of(
    session: AsyncSession, order_id: int, limit: int | None = None
) -> list[OrderEvent]:
    """The order's audit trail, newest first."""
    query = (
        select(OrderEvent)
        .where(col(OrderEvent.order_id) == order_id)
        .order_by(col(OrderEvent.at).desc(), col(OrderEvent.id).desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list((await session.execute(query)).scalars())


async def similar_orders(session: AsyncSession, text: str, limit: int) -> list[Order]:
    """Orders whose id starts like `text` (longest prefix first), or whose customer does.

    Only prefix ranges on the indexed columns: a typo must answer inside Slack's ack even at
    a million orders, where a "contains" match would scan the whole table.
    """
    found: dict[str, Order] = {}
    # A few prefix lengths, not every one: a long garbage id must not cost a query per character.
    lengths = sorted({len(text), len(text) - 1, len(text) - 2, len(text) // 2, 3}, reverse=True)
    for length in (n for n in lengths if n >= 3):
        for prefix in _spellings(text[:length]):
            await _add_prefixed(session, found, col(Order.external_id), prefix, limit)
        if len(found) >= limit:
            break
    for prefix in _spellings(text):
        if len(found) < limit and len(prefix) >= 2:
            await _add_prefixed(session, found, col(Order.customer), prefix, limit)
    return list(found.values())[:limit]


def _spellings(text: str) -> list[str]:
    """The text as typed and in the usual cases, without repeats."""
    return list(dict.fromkeys([text, text.upper(), text.lower(), text.title()]))


async def _add_prefixed(
    session: AsyncSession,
    found: dict[str, Order],
    column: Mapped[str],
    prefix: str,
    limit: int,
) -> None:
    # `prefix <= value < prefix with its last character bumped` is an index range on both
    # databases; LIKE keeps it exact (ILIKE would not use the index).
    bumped = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    query = (
        select(Order)
        .where(column >= prefix, column < bumped, column.like(f"{_escape(prefix)}%", escape="\\"))
        .order_by(column)
        .limit(limit)
    )
    for order in (await session.execute(query)).scalars():
        found.setdefault(order.external_id, order)
