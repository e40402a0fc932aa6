"""Arrangements for the bad-input tests: a seeded running bot and a fingerprint of the data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import func, select
from sqlmodel import SQLModel

from bot.sandbox.web_api import FakeSlack
from bot.services.container import Services
from storage.orders.tables import Order
from tests.kit.common import configure_roles_and_teams, order_row, seed_orders
from tests.kit.running_bot import RunningBot, running_bot

REP, VIEWER = "U0REP0001", "U0VIEW001"
ORDER_IDS = ("SO-1001", "SO-1002")
# Bounded and derandomized: the same examples every run, a few seconds per database.
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
async def bot(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """SO-1001 (emea, owned by REP) and SO-1002; VIEWER may only look."""
    configure_roles_and_teams(services, viewers=frozenset({VIEWER}), teams={"emea": "C0EMEA"})
    rows = [
        order_row(order_id=ORDER_IDS[0], team="emea", owner=REP, promised_date="2026-11-25"),
        order_row(order_id=ORDER_IDS[1], customer="Globex Labs", supplier="Globex"),
    ]
    await seed_orders(services, tmp_path, rows)
    async with running_bot(services, fake_slack) as running:
        yield running


async def fingerprint(services: Services) -> dict[str, int]:
    """Rows per table and the orders' versions summed: any write changes it."""
    counts: dict[str, int] = {}
    async with services.sessions() as session:
        for name, table in sorted(SQLModel.metadata.tables.items()):
            counts[name] = int(await session.scalar(select(func.count()).select_from(table)) or 0)
        versions = await session.scalar(select(func.coalesce(func.sum(Order.version), 0)))
    counts["orders.version"] = int(versions or 0)
    return counts
