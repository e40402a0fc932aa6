"""Named queries on orders and events, shared by every service that reads or writes them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Row,
    Table,
    bindparam,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import SQLModel, col

from storage.orders.tables import Order, OrderEvent

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


async def lock_orders(session: AsyncSession, order_ids: Sequence[int]) -> list[Row[Any]]:
    """Read orders again, locked for writing until the transaction ends.

    PostgreSQL: the rows, in id order (two writers lock in the same order, no deadlock).
    SQLite locks the whole database: a write statement takes its write lock first (a SELECT
    alone would not, and another connection could still commit in between).
    """
    if not order_ids:
        return []
    chosen = ORDERS.c.id.in_(order_ids)
    if session.get_bind().dialect.name == "sqlite":
        await session.execute(update(ORDERS).where(chosen).values(version=ORDERS.c.version))
    locked = select(ORDERS).where(chosen).order_by(ORDERS.c.id).with_for_update()
    return list(await session.execute(locked))


async def insert_orders(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Insert new orders in one batch; returns their database ids by external id."""
    if not rows:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        ids = await _next_order_ids(session, len(rows))
        with_ids = [{**row, "id": id_} for row, id_ in zip(rows, ids, strict=True)]
        await _copy(session, ORDERS, with_ids)
        return {row["external_id"]: row["id"] for row in with_ids}
    # RETURNING the external id makes row order irrelevant, so SQLAlchemy can batch the
    # statement; asking for parameter order instead costs one statement per row on SQLite.
    statement = insert(ORDERS).returning(ORDERS.c.id, ORDERS.c.external_id)
    result = await session.execute(statement, list(rows))
    return {row.external_id: row.id for row in result}


async def _next_order_ids(session: AsyncSession, count: int) -> list[int]:
    sequence = "SELECT nextval(pg_get_serial_sequence('orders', 'id')) FROM generate_series(1, :n)"
    return list((await session.execute(text(sequence), {"n": count})).scalars())


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
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        await _copy(session, EVENTS, rows)
    else:
        await session.execute(insert(EVENTS), list(rows))


async def _copy(session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    # COPY is PostgreSQL's bulk path: several times faster than a multi-row INSERT for the
    # append-only event log, where no ids are needed back. Values are already aware UTC
    # datetimes, dates, Decimals and strings, which asyncpg encodes natively.
    columns = [c.name for c in table.columns if c.name in rows[0]]
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    records = [tuple(row[c] for c in columns) for row in rows]
    await driver.copy_records_to_table(table.name, records=records, columns=columns)


async def prepare_bulk_write(session: AsyncSession) -> None:
    """Make a long write transaction plan each query afresh (PostgreSQL).

    Within one transaction the orders table can grow from empty to millions of rows, but a
    cached generic plan made while it was empty keeps scanning it sequentially.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


async def refresh_statistics(engine: AsyncEngine) -> None:
    """Let the planner see a bulk load at once instead of waiting for autovacuum.

    On PostgreSQL, VACUUM also marks the new pages all-visible, which lets counts of open
    orders come from the index alone; it cannot run inside a transaction.
    """
    async with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("VACUUM (ANALYZE) orders, order_events"))
        else:
            await conn.execute(text("PRAGMA optimize"))


async def count_orders(session: AsyncSession) -> int:
    """How many orders are stored."""
    return int((await session.execute(select(func.count()).select_from(ORDERS))).scalar_one())


async def count_events(session: AsyncSession) -> int:
    """How many events are stored."""
    return int((await session.execute(select(func.count()).select_from(EVENTS))).scalar_one())


async def order_by_id(session: AsyncSession, order_id: int, *, lock: bool = False) -> Order:
    """The order as stored now, replacing any copy the session already holds; `lock` keeps
    other writers off the row until the transaction ends (PostgreSQL; SQLite locks it all)."""
    query = select(Order).where(col(Order.id) == order_id)
    if lock:
        query = query.with_for_update()
    result = await session.execute(query.execution_options(populate_existing=True))
    return result.scalar_one()


async def update_order_if_version(
    session: AsyncSession, order_id: int, version: int, values: Mapping[str, Any]
) -> bool:
    """Set `values` and bump the version, only if the order is still at `version`.

    The version check and the write are one statement, so two writers who read the same
    version cannot both win: the second one updates nothing and gets False.
    """
    statement = (
        update(ORDERS)
        .where(ORDERS.c.id == order_id, ORDERS.c.version == version)
        .values({**values, "version": ORDERS.c.version + 1})
    )
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount == 1


async def set_thread_once(session: AsyncSession, order_id: int, channel: str, ts: str) -> bool:
    """Record the order's Slack thread unless it has one in `channel` already (first writer
    wins); a thread in another channel (the order moved to another team) is replaced."""
    statement = (
        update(ORDERS)
        .where(
            ORDERS.c.id == order_id,
            or_(ORDERS.c.thread_ts.is_(None), ORDERS.c.thread_channel != channel),
        )
        .values(thread_channel=channel, thread_ts=ts)
    )
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount == 1


async def latest_event(session: AsyncSession, order_id: int) -> OrderEvent | None:
    """The order's most recent event (ties on time go to the later insert)."""
    events = await events_since(session, order_id, since=None, limit=1)
    return events[0] if events else None


async def events_since(
    session: AsyncSession, order_id: int, since: datetime | None, limit: int | None = None
) -> list[OrderEvent]:
    """The order's events at or after `since` (all when None), newest first."""
    query = select(OrderEvent).where(col(OrderEvent.order_id) == order_id)
    if since is not None:
        query = query.where(col(OrderEvent.at) >= since)
    query = query.order_by(col(OrderEvent.at).desc(), col(OrderEvent.id).desc()).limit(limit)
    return list((await session.execute(query)).scalars())


async def event_by_id(session: AsyncSession, event_id: int) -> OrderEvent | None:
    """One event."""
    return await session.get(OrderEvent, event_id)
