"""The demo backlog: realistic cases around today, the same from the same seed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.bootstrap.container import Services
from bot.sandbox.demo import DEMO_ORDERS, is_empty, quiet_open_orders, seed_demo
from storage.orders.lookups import OrderFilter

TODAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


async def test_seed_demo_writes_orders_slips_snoozes_feedback_and_a_digest(
    services: Services,
) -> None:
    assert await is_empty(services)

    summary = await seed_demo(services, TODAY, NOW)

    assert summary.orders == DEMO_ORDERS
    assert (summary.slipped, summary.snoozed, summary.feedback) == (60, 12, 24)
    assert summary.digest_at == "09:03"
    assert not await is_empty(services)
    overdue = await services.orders.overdue(OrderFilter(), limit=1)
    assert overdue.total > 50
    threats = await services.feedback.open_cancellation_threats()
    assert threats
    subscriptions = await services.digests.subscriptions.listing()
    assert len(subscriptions) == 1


async def test_seed_demo_quiet_orders_are_open_and_untouched(services: Services) -> None:
    await seed_demo(services, TODAY, NOW)

    quiet = quiet_open_orders(TODAY)
    detail = await services.orders.detail(quiet[0])

    assert len(quiet) > 50
    assert str(detail.order.status) in ("received", "confirmed", "backordered", "partially_filled")
    assert detail.order.snoozed_until is None
    assert detail.feedback == []


def test_quiet_open_orders_are_deterministic_from_the_seed() -> None:
    assert quiet_open_orders(TODAY) == quiet_open_orders(TODAY)
    assert quiet_open_orders(TODAY, seed=1) != quiet_open_orders(TODAY)
