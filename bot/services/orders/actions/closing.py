"""Closing an order as filled or cancelled, and taking that back for a few minutes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.core.errors import InvalidInput, mention
from bot.services.orders.actions.unit import Context, Plan
from storage.orders import queries
from storage.orders.tables import CLOSED_STATUSES, EventKind, Order, OrderEvent, OrderStatus

# Long enough to notice a wrong click in the reply; short enough that nobody has acted on it.
UNDO_WINDOW = timedelta(minutes=5)
UNDO_NOTE = "undo"


def plan_close(order: Order, ctx: Context, *, status: OrderStatus, reason: str | None) -> Plan:
    """Close the order; closing it again the same way changes nothing."""
    if status not in CLOSED_STATUSES:
        raise InvalidInput("status", "Close an order as filled or cancelled.")
    label = OrderStatus(order.status).label.lower()
    if order.status == status:
        return Plan.already_so(InvalidInput(None, f"This order is already {label}."))
    if not order.is_open:
        raise InvalidInput(None, f"This order is already {label}; undo that first.")
    event = ctx.event(
        order, EventKind.STATUS_CHANGED, field="status", old=order.status, new=status, note=reason
    )
    return Plan(values={"status": status.value, "closed_at": ctx.now}, events=[event])


async def plan_undo(session: AsyncSession, order: Order, ctx: Context, *, event_id: int) -> Plan:
    """Reopen an order closed moments ago, if nothing happened to it since."""
    assert order.id is not None
    close = await queries.event_by_id(session, event_id)
    if close is None or close.order_id != order.id or not _is_close(close):
        raise InvalidInput(None, "That is not a close of this order.")
    latest = await queries.latest_event(session, order.id)
    assert latest is not None  # the close itself at least
    if _undoes(latest, close):
        return Plan.already_so()
    _check_undoable(close, latest, ctx)
    assert close.old_value is not None  # a close always records what it closed from
    previous = OrderStatus(close.old_value)
    event = ctx.event(
        order,
        EventKind.STATUS_CHANGED,
        field="status",
        old=order.status,
        new=previous,
        note=UNDO_NOTE,
    )
    return Plan(values={"status": previous.value, "closed_at": None}, events=[event])


def _check_undoable(close: OrderEvent, latest: OrderEvent, ctx: Context) -> None:
    if ctx.now - close.at > UNDO_WINDOW:
        minutes = int(UNDO_WINDOW.total_seconds() // 60)
        raise InvalidInput(None, f"Undo only works for {minutes} minutes after closing.")
    if latest.id != close.id:
        raise InvalidInput(
            None,
            f"{mention(latest.actor)} changed the order after it was closed, "
            "so the close can no longer be undone.",
        )


def _is_close(event: OrderEvent) -> bool:
    return (
        event.kind == EventKind.STATUS_CHANGED
        and event.new_value in {s.value for s in CLOSED_STATUSES}
        and event.old_value in {s.value for s in OrderStatus if s.is_open}
    )


def _undoes(event: OrderEvent, close: OrderEvent) -> bool:
    assert event.id is not None and close.id is not None
    return (
        event.id > close.id
        and event.kind == EventKind.STATUS_CHANGED
        and event.note == UNDO_NOTE
        and (event.old_value, event.new_value) == (close.new_value, close.old_value)
    )
