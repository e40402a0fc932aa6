"""A batch upsert (import, ingest API, sync) and a rep's edit of the same order at once, on both
databases: the batch writes whole rows, yet neither change is lost."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest

from bot.bootstrap.container import Services
from bot.services.core.errors import StaleUpdate
from bot.services.ingest.order_writer import OrderChange, OrderInput, OrderWriter, Outcome
from bot.services.orders.actions import EtaReason, OrderActions
from storage.orders import queries
from storage.orders.tables import EventSource
from tests.services.conftest import REP, events_of, load_order, make_order

NEW_ETA = date(2026, 12, 9)


class Pause:
    """Holds a storage query until released, and tells when the batch has reached it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.reached, self.release = asyncio.Event(), asyncio.Event()
        original: Callable[..., Awaitable[Any]] = getattr(queries, name)

        async def paused(*args: Any) -> Any:
            self.reached.set()
            await self.release.wait()
            return await original(*args)

        monkeypatch.setattr(queries, name, paused)


async def upsert(services: Services, fields: dict[str, Any]) -> list[OrderChange]:
    async with services.sessions() as session, session.begin():
        writer = OrderWriter(
            session, source=EventSource.IMPORT, actor="import:test", now=services.clock()
        )
        return await writer.apply([OrderInput("SO-1", fields)])


async def rep_sets_eta(actions: OrderActions, version: int) -> Any:
    return await actions.change_eta(
        "SO-1", NEW_ETA, EtaReason.SUPPLIER_DELAY, None, False, actor=REP, expected_version=version
    )


async def test_a_rep_edit_between_the_batch_read_and_its_write_is_kept(
    services: Services, actions: OrderActions, monkeypatch: pytest.MonkeyPatch
):
    await make_order(services, product="Gauze")
    pause = Pause(monkeypatch, "lock_orders")  # after the batch's read, before its write

    batch = asyncio.create_task(upsert(services, {"product": "Bandages"}))
    await pause.reached.wait()
    edit = await rep_sets_eta(actions, version=1)
    pause.release.set()
    [change] = await batch

    order = await load_order(services)
    assert edit.order.current_eta == NEW_ETA
    assert (order.current_eta, order.product, order.version) == (NEW_ETA, "Bandages", 3)
    assert change.outcome is Outcome.UPDATED
    assert [(c.field, c.old, c.new) for c in change.changes] == [("product", "Gauze", "Bandages")]
    kinds = [e.kind for e in await events_of(services)]
    assert kinds == ["created", "eta_changed", "field_changed"]


async def test_a_rep_edit_while_the_batch_holds_its_lock_waits_and_sees_the_batch(
    services: Services, actions: OrderActions, monkeypatch: pytest.MonkeyPatch
):
    await make_order(services, product="Gauze")
    pause = Pause(monkeypatch, "update_orders")  # locked, about to write

    batch = asyncio.create_task(upsert(services, {"product": "Bandages"}))
    await pause.reached.wait()
    edit = asyncio.create_task(rep_sets_eta(actions, version=1))
    await asyncio.sleep(0.3)
    waited = not edit.done()
    pause.release.set()
    await batch

    with pytest.raises(StaleUpdate):  # "changed by import:test a moment ago"
        await edit
    order = await load_order(services)
    assert waited
    assert (order.current_eta, order.product, order.version) == (None, "Bandages", 2)
