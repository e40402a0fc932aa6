"""Is the bot able to serve: the database answers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.orders import queries


@dataclass(frozen=True)
class Health:
    """The outcome of one health check."""

    ok: bool
    database: str


class HealthService:
    """Checks the dependencies the bot cannot work without."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], timeout: float = 2.0) -> None:
        self._sessions = sessions
        self._timeout = timeout

    async def check(self) -> Health:
        """Round-trip to the database; a failure is reported, never raised."""
        try:
            async with asyncio.timeout(self._timeout), self._sessions() as session:
                await queries.ping(session)
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            return Health(ok=False, database=f"unavailable: {type(exc).__name__}")
        return Health(ok=True, database="ok")
