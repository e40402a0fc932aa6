"""One connection budget per process, shared by its three pools, and a typed "pool is full".

A process talks to PostgreSQL through three pools (the ORM engine, the autocommit read engine,
the card reads' asyncpg pool). Left at their libraries' defaults they could open 35 connections
each process, so three processes could ask for 105 against PostgreSQL's default
max_connections of 100. `PoolBudget(total)` caps the sum: a process never holds more than
`total` connections, and a request that cannot get one within `wait_seconds` fails with
`DatabaseBusy` (answered 503 at the edge) instead of queueing past Slack's 3 s deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry

DEFAULT_POOL_SIZE = 10
MIN_POOL_SIZE = 3  # one connection for each pool
# Past Slack's 3 s ack deadline a connection serves nobody; jobs simply run again.
POOL_WAIT_SECONDS = 3.0


class DatabaseBusy(PoolTimeout):
    """Every connection of this process's budget is in use and none came free in time."""


@dataclass(frozen=True)
class PoolBudget:
    """At most `total` connections to PostgreSQL for one process, split between its pools:
    a fifth each (at least one) for the read engine and the card reads, the rest for the ORM
    engine. No overflow: a connection closed as soon as it is returned would be replaced
    by a new one while the server still counts the old backend, overshooting a role's or the
    server's limit for a moment; the budget's connections stay open instead."""

    total: int = DEFAULT_POOL_SIZE
    wait_seconds: float = POOL_WAIT_SECONDS

    def __post_init__(self) -> None:
        if self.total < MIN_POOL_SIZE:
            raise ValueError(f"a pool budget needs at least {MIN_POOL_SIZE} connections")

    @property
    def reads(self) -> int:
        return max(1, self.total // 5)

    @property
    def cards(self) -> int:
        return max(1, self.total // 5)

    @property
    def main(self) -> int:
        return self.total - self.reads - self.cards

    def engine_options(self, size: int) -> dict[str, Any]:
        """create_async_engine options for a pool of at most `size` connections."""
        return {
            "poolclass": BudgetPool,
            "pool_size": size,
            "max_overflow": 0,
            "pool_timeout": self.wait_seconds,
        }


class BudgetPool(AsyncAdaptedQueuePool):
    """SQLAlchemy's asyncio queue pool, whose timeout raises the typed DatabaseBusy."""

    def _do_get(self) -> ConnectionPoolEntry:
        try:
            return super()._do_get()
        except DatabaseBusy:
            raise
        except PoolTimeout as exc:
            raise DatabaseBusy(str(exc)) from exc
