"""Order factories and role-aware order actions for the service tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.bootstrap.container import Services
from bot.services.core.roles import RoleBook
from bot.services.ingest.order_writer import OrderInput, OrderWriter
from bot.services.orders.actions import OrderActions
from storage.orders import lookups, queries
from storage.orders.tables import EventSource, Order, OrderEvent
from tests.kit.common import FixedClock

LEAD = "ULEAD0001"  # an admin
OTHER_LEAD = "ULEAD0002"
REP = "UREP00001"
OTHER_REP = "UREP00002"
VIEWER = "UVIEW0001"
ROLES = RoleBook(admins=frozenset({LEAD, OTHER_LEAD}), viewers=frozenset({VIEWER}))


@pytest.fixture
def actions(services: Services, clock: FixedClock) -> OrderActions:
    """Order actions with one lead, one viewer, and everyone else a rep."""
    return OrderActions(services.sessions, clock, UTC, ROLES)


async def make_order(services: Services, external_id: str = "SO-1", **fields: Any) -> Order:
    """Create an order through the real upsert; override any canonical field."""
    values: dict[str, Any] = {
        "customer": "Acme Hospital",
        "ordered_at": datetime(2026, 11, 2, tzinfo=UTC),
        "promised_date": date(2026, 11, 30),
    }
    values.update(fields)
    async with services.sessions() as session, session.begin():
        writer = OrderWriter(
            session, source=EventSource.IMPORT, actor="import:test", now=services.clock()
        )
        await writer.apply([OrderInput(external_id, values)])
    return await load_order(services, external_id)


async def load_order(services: Services, external_id: str = "SO-1") -> Order:
    async with services.sessions() as session:
        order = await lookups.order_by_external_id(session, external_id)
    assert order is not None
    return order


async def events_of(services: Services, external_id: str = "SO-1") -> list[OrderEvent]:
    """The order's events, oldest first."""
    order = await load_order(services, external_id)
    assert order.id is not None
    async with services.sessions() as session:
        return list(reversed(await queries.events_since(session, order.id, since=None)))
