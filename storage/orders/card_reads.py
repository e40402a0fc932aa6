"""The order card's read: one order by id, its latest notes and feedback, by the shortest path.

`/backlog ORDER_ID` answers inside Slack's ack, so this read sits on the latency of the most
frequent request. Through the async ORM it costs about 1.3 ms (PostgreSQL) to 1.9 ms (SQLite):
session bookkeeping, greenlet hops and, on SQLite, a trip to aiosqlite's worker thread for every
cursor step. The indexed reads themselves take tens of microseconds, so:

- SQLite reads on the event loop through a synchronous engine on the same file. WAL readers never
  wait for writers; the short busy timeout bounds the rare wait on a checkpoint.
- PostgreSQL sends the statements on asyncpg connections directly (prepared and cached per
  connection by the driver) and applies the tables' own column types to the records.

Both return the same transient `Order` / `OrderEvent` objects as the ORM path (tested field by
field on both databases).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, TypeVar

import asyncpg
from sqlalchemy import Engine, Table, bindparam, func, select
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import class_mapper
from sqlalchemy.orm.instrumentation import ClassManager
from sqlmodel import SQLModel

from storage.core.engine import sqlite_pragmas
from storage.core.pool import DatabaseBusy, PoolBudget
from storage.feedback.tables import Feedback
from storage.orders.tables import Order, OrderEvent

Model = TypeVar("Model", bound=SQLModel)
TaggedFeedback = tuple[Feedback, list[str]]
Processor = Callable[[Any], Any]
ORDERS: Table = SQLModel.metadata.tables["orders"]
EVENTS: Table = SQLModel.metadata.tables["order_events"]
FEEDBACK: Table = SQLModel.metadata.tables["feedback"]
TAGS: Table = SQLModel.metadata.tables["feedback_tags"]


@dataclass(frozen=True)
class CardRows:
    """What the card shows from the database: the order, its latest notes and feedback."""

    order: Order
    notes: list[OrderEvent]
    feedback: list[TaggedFeedback]


@dataclass(frozen=True)
class CardQuery:
    """Which of the order's rows the card wants."""

    note_kinds: Sequence[str]
    notes: int
    feedback: int


APPLICATION_NAME = "backlog-bot card reads"
# Seconds a card read on the event loop may wait for SQLite's lock (only a checkpoint takes it).
_SQLITE_READ_TIMEOUT = 0.5


class CardReads(Protocol):
    """Reads one order and its latest notes and feedback, or None when the id is unknown."""

    async def order_card(self, external_id: str, query: CardQuery) -> CardRows | None: ...

    async def close(self) -> None: ...


def card_reads_for(
    engine: AsyncEngine, schema: str | None = None, budget: PoolBudget | None = None
) -> CardReads:
    """The fastest card read the engine's database offers (PostgreSQL: within
    `budget.cards` connections)."""
    if engine.dialect.name == "sqlite":
        return SqliteCardReads(engine)
    return PostgresCardReads(engine, schema, budget or PoolBudget())


class SqliteCardReads:
    """Synchronous reads on the event loop: an indexed SQLite read beats a thread hop."""

    _order = select(ORDERS).where(ORDERS.c.external_id == bindparam("external_id"))
    _notes = (
        select(EVENTS)
        .where(
            EVENTS.c.order_id == bindparam("order_id"),
            EVENTS.c.kind.in_(bindparam("kinds", expanding=True)),
        )
        .order_by(EVENTS.c.at.desc(), EVENTS.c.id.desc())
        .limit(bindparam("notes"))
    )
    _feedback = (
        select(
            FEEDBACK,
            select(func.group_concat(TAGS.c.tag, ","))
            .where(TAGS.c.feedback_id == FEEDBACK.c.id)
            .scalar_subquery()
            .label("tag_list"),
        )
        .where(FEEDBACK.c.order_id == bindparam("order_id"))
        .order_by(FEEDBACK.c.created_at.desc(), FEEDBACK.c.id.desc())
        .limit(bindparam("feedback"))
    )

    def __init__(self, engine: AsyncEngine) -> None:
        url = engine.url.set(drivername="sqlite")
        self._engine: Engine = create_sync_engine(
            url, connect_args={"timeout": _SQLITE_READ_TIMEOUT}, pool_reset_on_return=None
        )
        sa_event.listen(self._engine, "connect", sqlite_pragmas)

    async def order_card(self, external_id: str, query: CardQuery) -> CardRows | None:
        with self._engine.connect() as conn:
            row = conn.execute(self._order, {"external_id": external_id}).first()
            if row is None:
                return None
            params = {"order_id": row.id, "kinds": list(query.note_kinds), "notes": query.notes}
            notes = conn.execute(self._notes, params).all()
            feedback = conn.execute(
                self._feedback, {"order_id": row.id, "feedback": query.feedback}
            ).all()
            conn.rollback()
        return CardRows(
            _loaded(Order, row._mapping),
            [_loaded(OrderEvent, note._mapping) for note in notes],
            [_tagged(_loaded(Feedback, _without_tags(f._mapping)), f.tag_list) for f in feedback],
        )

    async def close(self) -> None:
        self._engine.dispose()


class PostgresCardReads:
    """Plain statements on a small asyncpg pool of its own, outside any transaction.

    Its own pool because the engine's costs two extra round trips per read that a pure reader
    does not need: the pre-ping on checkout and the rollback on return. These connections only
    ever run these SELECTs in autocommit, so there is no session state to reset. A connection
    that died (a database restart) fails once and is replaced: the read is retried once.
    """

    # One round trip: the order row, then its latest notes and feedback as arrays of rows
    # (asyncpg decodes each table's row type by name), and each feedback's tags, in step.
    _card_sql = (
        "SELECT o.*,"
        " ARRAY(SELECT e FROM order_events e WHERE e.order_id = o.id"
        " AND e.kind = ANY($2::varchar[]) ORDER BY e.at DESC, e.id DESC LIMIT $3) AS card_notes,"
        " ARRAY(SELECT f FROM feedback f WHERE f.order_id = o.id"
        " ORDER BY f.created_at DESC, f.id DESC LIMIT $4) AS card_feedback,"
        " ARRAY(SELECT coalesce((SELECT string_agg(t.tag, ',') FROM feedback_tags t"
        " WHERE t.feedback_id = f.id), '') FROM feedback f WHERE f.order_id = o.id"
        " ORDER BY f.created_at DESC, f.id DESC LIMIT $4) AS card_tags"
        " FROM orders o WHERE o.external_id = $1"
    )

    def __init__(
        self, engine: AsyncEngine, schema: str | None = None, budget: PoolBudget | None = None
    ) -> None:
        self._budget = budget or PoolBudget()
        self._dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        # Named, so that an operator can tell these connections apart in pg_stat_activity.
        self._settings = {"application_name": APPLICATION_NAME}
        if schema:
            self._settings["search_path"] = schema
        self._dialect = engine.dialect
        self._pool: asyncpg.Pool[Any] | None = None
        self._opening = asyncio.Lock()  # concurrent first reads open one pool, not one each

    async def order_card(self, external_id: str, query: CardQuery) -> CardRows | None:
        try:
            return await self._read(external_id, query)
        except _DEAD_CONNECTION:
            return await self._read(external_id, query)

    async def _read(self, external_id: str, query: CardQuery) -> CardRows | None:
        pool = self._pool or await self._open()
        kinds = list(query.note_kinds)
        try:
            connection = await pool.acquire(timeout=self._budget.wait_seconds)
        except TimeoutError:
            raise DatabaseBusy("every card-read connection is in use") from None
        try:
            record = await connection.fetchrow(
                self._card_sql, external_id, kinds, query.notes, query.feedback
            )
        finally:
            await pool.release(connection)
        if record is None:
            return None
        dialect = self._dialect
        return CardRows(
            _model(Order, record, dialect),
            [_model(OrderEvent, note, dialect) for note in record["card_notes"]],
            [
                _tagged(_model(Feedback, f, dialect), tags)
                for f, tags in zip(record["card_feedback"], record["card_tags"], strict=True)
            ],
        )

    async def _open(self) -> asyncpg.Pool[Any]:
        async with self._opening:
            if self._pool is None:
                self._pool = await self._create()
            return self._pool

    async def _create(self) -> asyncpg.Pool[Any]:
        return await asyncpg.create_pool(
            self._dsn,
            min_size=1,
            max_size=self._budget.cards,
            reset=_keep,
            server_settings=self._settings,
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()


async def _keep(connection: asyncpg.Connection[Any]) -> None:
    """No reset on release: these connections never change session state."""


_DEAD_CONNECTION = (
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # the server hung up while a statement was under way
    asyncpg.PostgresConnectionError,
    OSError,
)


def _model(model: type[Model], record: Mapping[str, Any], dialect: Dialect) -> Model:
    """A transient model from a driver record, through the columns' own result processing."""
    values = {}
    for name, process in _processors(model, dialect):
        value = record[name]
        values[name] = process(value) if process is not None and value is not None else value
    return _loaded(model, values)


def _loaded(model: type[Model], values: Mapping[Any, Any]) -> Model:
    """A transient model holding a row's values, made the way the ORM makes a loaded row:
    without `__init__`, whose pydantic validation (about 0.2 ms per order) re-checks what
    the column types already produced."""
    instance: Model = _manager(model).new_instance()
    instance.__dict__.update(values)
    return instance


@cache
def _manager(model: type[SQLModel]) -> ClassManager[Any]:
    return class_mapper(model).class_manager


@cache
def _processors(model: type[SQLModel], dialect: Dialect) -> list[tuple[str, Processor | None]]:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return [(c.name, c.type.result_processor(dialect, None)) for c in table.columns]


def _without_tags(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name != "tag_list"}


def _tagged(feedback: Feedback, tag_list: str | None) -> TaggedFeedback:
    return feedback, tag_list.split(",") if tag_list else []
