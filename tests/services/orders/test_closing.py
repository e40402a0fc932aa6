"""Closing orders and undoing a close on both databases."""

from __future__ import annotations

import pytest

from bot.bootstrap.container import Services
from bot.services.core.errors import InvalidInput
from bot.services.orders.actions import UNDO_WINDOW, OrderActions
from storage.orders.tables import OrderStatus
from tests.kit.common import FixedClock
from tests.services.conftest import OTHER_REP, REP, events_of, load_order, make_order


async def close(actions: OrderActions, status: OrderStatus = OrderStatus.FILLED, version=1):
    return await actions.close(
        "SO-1", status, "shipped complete", actor=REP, expected_version=version
    )


async def test_close_sets_the_status_and_closed_at(
    services: Services, actions: OrderActions, clock: FixedClock
):
    await make_order(services, status=OrderStatus.BACKORDERED)

    result = await close(actions)

    assert (result.order.status, result.order.closed_at) == (OrderStatus.FILLED, clock.now)
    event = result.events[0]
    assert (event.kind, event.old_value, event.new_value, event.note) == (
        "status_changed",
        "backordered",
        "filled",
        "shipped complete",
    )


async def test_close_with_an_open_status_is_a_field_error(
    services: Services, actions: OrderActions
):
    await make_order(services)

    with pytest.raises(InvalidInput) as caught:
        await close(actions, OrderStatus.CONFIRMED)

    assert caught.value.field == "status"


async def test_close_double_click_records_one_event(services: Services, actions: OrderActions):
    await make_order(services)

    await close(actions, version=1)
    second = await close(actions, version=1)

    assert second.duplicate
    assert [e.kind for e in await events_of(services)] == ["created", "status_changed"]


async def test_close_a_closed_order_another_way_is_refused(
    services: Services, actions: OrderActions
):
    await make_order(services)
    await close(actions, OrderStatus.FILLED, version=1)

    with pytest.raises(InvalidInput) as caught:
        await close(actions, OrderStatus.CANCELLED, version=2)

    assert caught.value.field is None
    assert "already filled" in caught.value.message


async def test_undo_close_within_the_window_restores_the_previous_status(
    services: Services, actions: OrderActions, clock: FixedClock
):
    await make_order(services, status=OrderStatus.BACKORDERED)
    closed = await close(actions)
    clock.advance(seconds=UNDO_WINDOW.total_seconds() - 1)

    result = await actions.undo_close(
        "SO-1", closed.events[0].id or 0, actor=OTHER_REP, expected_version=2
    )

    assert (result.order.status, result.order.closed_at) == (OrderStatus.BACKORDERED, None)
    event = result.events[0]
    assert (event.kind, event.old_value, event.new_value, event.note) == (
        "status_changed",
        "filled",
        "backordered",
        "undo",
    )


async def test_undo_close_after_the_window_is_refused(
    services: Services, actions: OrderActions, clock: FixedClock
):
    await make_order(services)
    closed = await close(actions)
    clock.advance(minutes=5, seconds=1)

    with pytest.raises(InvalidInput, match="only works for 5 minutes"):
        await actions.undo_close("SO-1", closed.events[0].id or 0, actor=REP, expected_version=2)

    assert (await load_order(services)).status == OrderStatus.FILLED


async def test_undo_close_after_another_change_is_refused(
    services: Services, actions: OrderActions
):
    await make_order(services)
    closed = await close(actions)
    await actions.add_note("SO-1", "customer happy", actor=OTHER_REP, expected_version=2)

    with pytest.raises(InvalidInput) as caught:
        await actions.undo_close("SO-1", closed.events[0].id or 0, actor=REP, expected_version=3)

    assert f"<@{OTHER_REP}> changed the order after it was closed" in caught.value.message


async def test_undo_close_twice_is_a_duplicate(services: Services, actions: OrderActions):
    await make_order(services)
    closed = await close(actions)
    event_id = closed.events[0].id or 0

    await actions.undo_close("SO-1", event_id, actor=REP, expected_version=2)
    second = await actions.undo_close("SO-1", event_id, actor=REP, expected_version=2)

    assert second.duplicate and second.order.status == OrderStatus.RECEIVED
    assert len(await events_of(services)) == 3


async def test_undo_close_of_an_event_that_is_not_a_close_is_refused(
    services: Services, actions: OrderActions
):
    await make_order(services)
    created = (await events_of(services))[0]

    with pytest.raises(InvalidInput, match="not a close of this order"):
        await actions.undo_close("SO-1", created.id or 0, actor=REP, expected_version=1)
