"""The process's connection budget: split between its pools, never exceeded, and a full
pool says so with DatabaseBusy (PostgreSQL: SQLite has no connection limit to share)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot.bootstrap.container import Services, build_services
from storage.core.pool import DatabaseBusy, PoolBudget
from tests.conftest import POSTGRES_URL, Database


@pytest.mark.parametrize(
    ("total", "main", "reads", "cards"), [(3, 1, 1, 1), (10, 6, 2, 2), (25, 15, 5, 5)]
)
def test_pool_budget_splits_the_total_between_the_three_pools(
    total: int, main: int, reads: int, cards: int
):
    budget = PoolBudget(total)

    assert (budget.main, budget.reads, budget.cards) == (main, reads, cards)
    assert budget.main + budget.reads + budget.cards == total


def test_pool_budget_below_one_connection_per_pool_is_refused():
    with pytest.raises(ValueError, match="at least 3 connections"):
        PoolBudget(2)


@pytest.fixture
def database(request: pytest.FixtureRequest) -> Database:
    return Database("postgresql", POSTGRES_URL, request.getfixturevalue("postgres_schema"))


@pytest.fixture
async def small(database: Database) -> AsyncIterator[Services]:
    built = build_services(database.url, schema=database.schema, pool=PoolBudget(5, 0.2))
    yield built
    await built.close()


async def test_a_full_pool_raises_database_busy_and_opens_no_more_connections(
    small: Services,
):
    held = asyncio.Event()
    release = asyncio.Event()

    async def hold() -> None:
        async with small.sessions() as session:
            await session.execute(text("SELECT 1"))
            if small.engine.pool.checkedout() == PoolBudget(5).main:  # type: ignore[attr-defined]
                held.set()
            await release.wait()

    holders = [asyncio.create_task(hold()) for _ in range(PoolBudget(5).main)]
    await asyncio.wait_for(held.wait(), 5)

    with pytest.raises(DatabaseBusy):
        async with small.sessions() as session:
            await session.execute(text("SELECT 1"))

    release.set()
    await asyncio.gather(*holders)
    assert small.engine.pool.size() == PoolBudget(5).main  # type: ignore[attr-defined]
    assert small.engine.pool.overflow() <= 0  # type: ignore[attr-defined]
