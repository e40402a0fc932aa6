"""The unit of work every order action runs in: load, plan, check the version, write."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import SQLModel

from bot.services.core.errors import InvalidInput, StaleUpdate
from bot.services.orders.audit_values import as_text
from storage.orders import queries
from storage.orders.tables import EventKind, EventSource, ExpediteRequest, Order, OrderEvent

# A second identical note or contact by the same person this soon is a double click.
REPEAT_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Context:
    """Who acts and when, fixed once per action."""

    actor: str
    now: datetime
    today: date  # in the bot's zone: what "in the past" means for an ETA
    source: EventSource

    def event(
        self,
        order: Order,
        kind: EventKind,
        *,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
        note: str | None = None,
    ) -> OrderEvent:
        """An event on `order` by this actor, now."""
        assert order.id is not None
        return OrderEvent(
            order_id=order.id,
            at=self.now,
            actor=self.actor,
            source=self.source,
            kind=kind,
            field=field,
            old_value=as_text(old),
            new_value=as_text(new),
            note=note,
        )


@dataclass
class Plan:
    """What one action would write, decided from the order as it is now."""

    values: dict[str, Any] = field(default_factory=dict)  # order columns to set
    events: list[OrderEvent] = field(default_factory=list)
    new_rows: list[SQLModel] = field(default_factory=list)
    after: Callable[[AsyncSession], Awaitable[None]] | None = None  # more writes, same unit
    already: bool = False  # the order already is as asked: a repeated click
    already_error: InvalidInput | None = None  # raised instead when the user saw that state
    expedite: ExpediteRequest | None = None
    slipped_days: int = 0

    @classmethod
    def already_so(
        cls, error: InvalidInput | None = None, expedite: ExpediteRequest | None = None
    ) -> Plan:
        return cls(already=True, already_error=error, expedite=expedite)


@dataclass(frozen=True)
class ActionResult:
    """What an action did: the order as it is now, the events written and flags for the reply."""

    order: Order
    events: list[OrderEvent] = field(default_factory=list)
    duplicate: bool = False  # nothing written: the order already was as asked
    slipped_days: int = 0
    expedite: ExpediteRequest | None = None


Finder = Callable[[AsyncSession], Awaitable[Order]]
Planner = Callable[[AsyncSession, Order, Context], Awaitable[Plan]]


def pure(plan: Callable[[Order, Context], Plan]) -> Planner:
    """A planner that needs nothing but the order."""

    async def planner(_session: AsyncSession, order: Order, ctx: Context) -> Plan:
        return plan(order, ctx)

    return planner


def with_recent_events(plan: Callable[[Order, Context, list[OrderEvent]], Plan]) -> Planner:
    """A planner that also sees the order's events of the last minute (to spot repeats)."""

    async def planner(session: AsyncSession, order: Order, ctx: Context) -> Plan:
        assert order.id is not None
        recent = await queries.events_since(session, order.id, ctx.now - REPEAT_WINDOW)
        return plan(order, ctx, recent)

    return planner


def repeated(event: OrderEvent, recent: list[OrderEvent]) -> bool:
    """Did the same actor just record the same thing?"""
    return any(
        (e.actor, e.kind, e.field, e.new_value, e.note)
        == (event.actor, event.kind, event.field, event.new_value, event.note)
        for e in recent
    )


class UnitOfWork:
    """Runs one action in one session and one transaction, with an optimistic version check."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def run(
        self, ctx: Context, expected_version: int | None, find: Finder, plan: Planner
    ) -> ActionResult:
        """Apply the plan unless the order moved on since `expected_version` (None: no check;
        the change then applies to the order as it is when it is written)."""
        async with self._sessions() as session, session.begin():
            order = await find(session)
            planned = await plan(session, order, ctx)
            if expected_version is not None and expected_version != order.version:
                return await _conflict(session, order, planned)
            result = await _apply(session, order, planned, ctx)
            if result is not None:
                return result
            # Another writer committed between our read and our write: judge afresh.
            assert order.id is not None
            fresh = await queries.order_by_id(session, order.id, lock=True)
            replanned = await plan(session, fresh, ctx)
            if expected_version is not None:
                return await _conflict(session, fresh, replanned)
            # Nobody saw a version (a typed note, contact or ETA): losing the race is no
            # conflict. The row is locked now (SQLite: the failed UPDATE took the write lock),
            # so this second write lands on the latest order.
            landed = await _apply(session, fresh, replanned, ctx)
            assert landed is not None, "the locked order changed under its lock"
            return landed


async def _apply(
    session: AsyncSession, order: Order, planned: Plan, ctx: Context
) -> ActionResult | None:
    """Write the plan if the order is still at the version it was planned on; None if not."""
    if planned.already:
        if planned.already_error is not None:
            raise planned.already_error
        return _duplicate(order, planned)
    assert order.id is not None
    touched = {"last_activity_at": ctx.now, "updated_at": ctx.now}
    if not await queries.update_order_if_version(
        session, order.id, order.version, planned.values | touched
    ):
        return None
    return await _write(session, order, planned)


async def _conflict(session: AsyncSession, order: Order, planned: Plan) -> ActionResult:
    if planned.already:
        return _duplicate(order, planned)
    assert order.id is not None
    latest = await queries.latest_event(session, order.id)
    # Raising rolls back, which would expire the order: keep it readable for the error.
    session.expunge(order)
    raise StaleUpdate(order, latest.actor if latest else None, latest.at if latest else None)


def _duplicate(order: Order, planned: Plan) -> ActionResult:
    return ActionResult(order, duplicate=True, expedite=planned.expedite)


async def _write(session: AsyncSession, order: Order, planned: Plan) -> ActionResult:
    session.add_all([*planned.new_rows, *planned.events])
    if planned.after is not None:
        await planned.after(session)
    await session.flush()
    await session.refresh(order)
    if planned.expedite is not None:
        await session.refresh(planned.expedite)
    return ActionResult(
        order, planned.events, slipped_days=planned.slipped_days, expedite=planned.expedite
    )
