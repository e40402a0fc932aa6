"""Bad-input tests' arrangements: bounded fuzzing settings and a fingerprint of the data."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from sqlalchemy import func, select
from sqlmodel import SQLModel

from bot.bootstrap.container import Services
from storage.orders.tables import Order

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


async def fingerprint(services: Services) -> dict[str, int]:
    """Rows per table and the orders' versions summed: any write changes it."""
    counts: dict[str, int] = {}
    async with services.sessions() as session:
        for name, table in sorted(SQLModel.metadata.tables.items()):
            counts[name] = int(await session.scalar(select(func.count()).select_from(table)) or 0)
        versions = await session.scalar(select(func.coalesce(func.sum(Order.version), 0)))
    counts["orders.version"] = int(versions or 0)
    return counts
