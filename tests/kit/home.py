"""Arrangements for the App Home and customer-update tests: orders in bulk, subscriptions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from bot.bootstrap.container import Services
from bot.services.ingest.order_writer import OrderInput, OrderWriter
from storage.digests.tables import DigestSubscription
from storage.orders.tables import EventSource

REP, OTHER, LEAD, VIEWER = "U0REP0001", "U0REP0002", "U0LEAD001", "U0VIEW001"
# With the fixed clock (Tuesday 2026-11-24 09:00 UTC):
OVERDUE = {"promised_date": date(2026, 11, 20)}  # overdue, no ETA, customer not told
SLIPPED = {"promised_date": date(2026, 11, 30), "eta": date(2026, 12, 4)}  # slipped, not told
ON_TRACK = {"promised_date": date(2026, 12, 10)}


async def add_orders(services: Services, orders: Mapping[str, Mapping[str, Any]]) -> None:
    """Create orders through the real upsert, in one batch; fields override a plain order."""
    batch = [
        OrderInput(
            external_id,
            {
                "customer": "Acme Hospital",
                "ordered_at": datetime(2026, 11, 2, tzinfo=UTC),
                "promised_date": date(2026, 12, 10),
                "owner": REP,
                **fields,
            },
        )
        for external_id, fields in orders.items()
    ]
    async with services.sessions() as session, session.begin():
        writer = OrderWriter(
            session, source=EventSource.IMPORT, actor="import:test", now=services.clock()
        )
        await writer.apply(batch)


async def add_subscription(services: Services, channel: str, **fields: Any) -> None:
    """A digest subscription row as the digest commands will store it."""
    now = services.clock()
    values: dict[str, Any] = {
        "channel_id": channel,
        "created_by": LEAD,
        "days": "mon-fri",
        "times": "08:30",
        "zone": "Europe/Berlin",
        "created_at": now,
        "updated_at": now,
    }
    async with services.sessions() as session, session.begin():
        session.add(DigestSubscription(**(values | fields)))
