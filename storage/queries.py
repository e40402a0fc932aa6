"""Named queries on orders and events, shared by every service that reads or writes them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Row, Table, bindparam, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

import storage.models  # noqa: F401 - registers the tables

ORDERS: Table = SQLModel.metadata.tables["orders"]
EVENTS: Table = SQLModel.metadata.tables["order_events"]


async def ping(session: AsyncSession) -> None:
    """Round-trip to the database (health check)."""
    await session.execute(text("SELECT 1"))


async def orders_by_external_id(
    session: AsyncSession, external_ids: Iterable[str]
) -> dict[str, Row[Any]]:
    """The stored orders among `external_ids`, keyed by external id."""
    ids = list(external_ids)
    if not ids:
        return {}
    result = await session.execute(select(ORDERS).where(ORDERS.c.external_id.in_(ids)))
    return {row.external_id: row for row in result}


async def insert_orders(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Insert new orders in one batch; returns their database ids by external id."""
    if not rows:
        return {}
    statement = insert(ORDERS).returning(
        ORDERS.c.id, ORDERS.c.external_id, sort_by_parameter_order=True
    )
    result = await session.execute(statement, list(rows))
    return {row.external_id: row.id for row in result}


async def update_orders(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write changed orders in one batch; each row carries `_id` and every column it sets."""
    if not rows:
        return
    columns = [key for key in rows[0] if key != "_id"]
    # Bind names must differ from column names in an executemany UPDATE.
    statement = (
        update(ORDERS)
        .where(ORDERS.c.id == bindparam("_id"))
        .values({column: bindparam(f"new_{column}") for column in columns})
    )
    params = [{"_id": row["_id"], **{f"new_{c}": row[c] for c in columns}} for row in rows]
    await session.execute(statement, params)


async def insert_events(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append events to the log in one batch."""
    if rows:
        await session.execute(insert(EVENTS), list(rows))


async def count_orders(session: AsyncSession) -> int:
    """How many orders are stored."""
    return int((await session.execute(select(func.count()).select_from(ORDERS))).scalar_one())


async def count_events(session: AsyncSession) -> int:
    """How many events are stored."""
    return int((await session.execute(select(func.count()).select_from(EVENTS))).scalar_one())
