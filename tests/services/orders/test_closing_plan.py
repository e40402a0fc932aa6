"""Closing an order and undoing the close, decided on plain objects (the event log is a list)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.core.errors import InvalidInput
from bot.services.orders.actions.closing import UNDO_NOTE, UNDO_WINDOW, plan_close, plan_undo
from bot.services.orders.actions.unit import Context, Plan
from storage.orders import queries
from storage.orders.tables import EventKind, EventSource, Order, OrderEvent, OrderStatus

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
REP = "UREP00001"
OTHER_REP = "UREP00002"
NO_SESSION = cast(AsyncSession, None)  # the event log below stands in for the database


def make_order(**overrides: Any) -> Order:
    """An open order; override any column."""
    values: dict[str, Any] = {
        "id": 1,
        "external_id": "SO-1",
        "customer": "Acme Hospital",
        "status": OrderStatus.BACKORDERED,
        "ordered_at": NOW - timedelta(days=20),
        "promised_date": date(2026, 11, 30),
        "last_activity_at": NOW,
        "created_at": NOW - timedelta(days=20),
        "updated_at": NOW,
    }
    values.update(overrides)
    return Order(**values)


def make_context(**overrides: Any) -> Context:
    values: dict[str, Any] = {
        "actor": REP,
        "now": NOW,
        "today": NOW.date(),
        "source": EventSource.SLACK,
    }
    values.update(overrides)
    return Context(**values)


def make_event(event_id: int, **overrides: Any) -> OrderEvent:
    """A stored event: a close from backordered to filled at NOW unless overridden."""
    values: dict[str, Any] = {
        "id": event_id,
        "order_id": 1,
        "at": NOW,
        "actor": REP,
        "source": EventSource.SLACK,
        "kind": EventKind.STATUS_CHANGED,
        "field": "status",
        "old_value": "backordered",
        "new_value": "filled",
    }
    values.update(overrides)
    return OrderEvent(**values)


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> list[OrderEvent]:
    """The order's events, oldest first, as the two queries plan_undo makes would read them."""
    events: list[OrderEvent] = []

    async def event_by_id(_session: AsyncSession, event_id: int) -> OrderEvent | None:
        return next((e for e in events if e.id == event_id), None)

    async def latest_event(_session: AsyncSession, order_id: int) -> OrderEvent | None:
        return next((e for e in reversed(events) if e.order_id == order_id), None)

    monkeypatch.setattr(queries, "event_by_id", event_by_id)
    monkeypatch.setattr(queries, "latest_event", latest_event)
    return events


async def undo(order: Order, event_id: int, ctx: Context | None = None) -> Plan:
    return await plan_undo(NO_SESSION, order, ctx or make_context(), event_id=event_id)


# plan_close


@pytest.mark.parametrize("status", [OrderStatus.FILLED, OrderStatus.CANCELLED])
def test_plan_close_sets_status_and_closed_at_with_an_event(status: OrderStatus):
    order = make_order(status=OrderStatus.BACKORDERED)

    plan = plan_close(order, make_context(), status=status, reason="customer gave up")

    assert plan.values == {"status": status.value, "closed_at": NOW}
    [event] = plan.events
    assert (event.kind, event.field, event.old_value, event.new_value, event.note) == (
        EventKind.STATUS_CHANGED,
        "status",
        "backordered",
        status.value,
        "customer gave up",
    )
    assert (event.actor, event.at) == (REP, NOW)


def test_plan_close_without_a_reason_records_no_note():
    order = make_order()

    plan = plan_close(order, make_context(), status=OrderStatus.FILLED, reason=None)

    assert plan.events[0].note is None


@pytest.mark.parametrize("status", [OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_FILLED])
def test_plan_close_with_an_open_status_is_refused_on_the_status_field(status: OrderStatus):
    order = make_order()

    with pytest.raises(InvalidInput) as refused:
        plan_close(order, make_context(), status=status, reason=None)

    assert (refused.value.field, refused.value.message) == (
        "status",
        "Close an order as filled or cancelled.",
    )


def test_plan_close_the_same_way_again_is_already_so_with_an_error():
    order = make_order(status=OrderStatus.FILLED)

    plan = plan_close(order, make_context(), status=OrderStatus.FILLED, reason=None)

    assert plan.already
    assert plan.already_error is not None
    assert (plan.already_error.field, plan.already_error.message) == (
        None,
        "This order is already filled.",
    )
    assert (plan.values, plan.events) == ({}, [])


def test_plan_close_of_an_order_closed_the_other_way_is_refused():
    order = make_order(status=OrderStatus.CANCELLED)

    with pytest.raises(InvalidInput) as refused:
        plan_close(order, make_context(), status=OrderStatus.FILLED, reason=None)

    assert (refused.value.field, refused.value.message) == (
        None,
        "This order is already cancelled; undo that first.",
    )


# plan_undo


async def test_plan_undo_within_the_window_reopens_to_the_status_before_the_close(
    log: list[OrderEvent],
):
    log.append(make_event(7, old_value="backordered", new_value="filled"))
    order = make_order(status=OrderStatus.FILLED, closed_at=NOW)

    plan = await undo(order, 7, make_context(now=NOW + UNDO_WINDOW, actor=OTHER_REP))

    assert plan.values == {"status": "backordered", "closed_at": None}
    [event] = plan.events
    assert (event.kind, event.field, event.old_value, event.new_value, event.note) == (
        EventKind.STATUS_CHANGED,
        "status",
        "filled",
        "backordered",
        UNDO_NOTE,
    )
    assert event.actor == OTHER_REP


async def test_plan_undo_after_the_window_is_refused(log: list[OrderEvent]):
    log.append(make_event(7))
    order = make_order(status=OrderStatus.FILLED)
    late = make_context(now=NOW + UNDO_WINDOW + timedelta(seconds=1))

    with pytest.raises(InvalidInput) as refused:
        await undo(order, 7, late)

    assert refused.value.message == "Undo only works for 5 minutes after closing."


async def test_plan_undo_after_someone_else_changed_the_order_names_them(log: list[OrderEvent]):
    log.append(make_event(7))
    log.append(make_event(8, kind=EventKind.NOTE_ADDED, field=None, actor=OTHER_REP, note="hi"))
    order = make_order(status=OrderStatus.FILLED)

    with pytest.raises(InvalidInput) as refused:
        await undo(order, 7)

    assert refused.value.message.startswith(f"<@{OTHER_REP}> changed the order after it was")


async def test_plan_undo_names_a_non_slack_actor_as_it_is(log: list[OrderEvent]):
    log.append(make_event(7))
    log.append(make_event(8, kind=EventKind.FIELD_CHANGED, actor="import:orders.csv"))
    order = make_order(status=OrderStatus.FILLED)

    with pytest.raises(InvalidInput) as refused:
        await undo(order, 7)

    assert refused.value.message.startswith("import:orders.csv changed the order")


async def test_plan_undo_already_undone_is_already_so(log: list[OrderEvent]):
    log.append(make_event(7, old_value="confirmed", new_value="cancelled"))
    log.append(
        make_event(8, old_value="cancelled", new_value="confirmed", note=UNDO_NOTE, actor=OTHER_REP)
    )
    order = make_order(status=OrderStatus.CONFIRMED)

    plan = await undo(order, 7, make_context(now=NOW + timedelta(hours=1)))

    assert plan.already
    assert plan.already_error is None


@pytest.mark.parametrize(
    "event",
    [
        make_event(7, kind=EventKind.NOTE_ADDED, field=None, old_value=None, new_value=None),
        make_event(7, old_value="received", new_value="confirmed"),  # open to open
        make_event(7, old_value="filled", new_value="confirmed"),  # a reopening
        make_event(7, order_id=2),  # a close of another order
    ],
)
async def test_plan_undo_of_an_event_that_is_not_a_close_of_this_order_is_refused(
    log: list[OrderEvent], event: OrderEvent
):
    log.append(event)
    order = make_order(status=OrderStatus.FILLED)

    with pytest.raises(InvalidInput) as refused:
        await undo(order, 7)

    assert refused.value.message == "That is not a close of this order."


async def test_plan_undo_of_an_unknown_event_is_refused(log: list[OrderEvent]):
    order = make_order(status=OrderStatus.FILLED)

    with pytest.raises(InvalidInput, match="not a close of this order"):
        await undo(order, 99)


async def test_plan_undo_of_an_older_close_after_a_reopen_and_reclose_is_refused(
    log: list[OrderEvent],
):
    log.append(make_event(7))
    log.append(make_event(8, old_value="filled", new_value="backordered", note=UNDO_NOTE))
    log.append(make_event(9, old_value="backordered", new_value="cancelled"))
    order = make_order(status=OrderStatus.CANCELLED)

    with pytest.raises(InvalidInput, match="can no longer be undone"):
        await undo(order, 7)
