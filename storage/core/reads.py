"""Sessions for pure reads (listings behind slash commands), one round trip per statement.

An ORM read through the main engine on PostgreSQL costs four round trips: the pool's pre-ping
on checkout, BEGIN, the SELECT, and the ROLLBACK on return (measured: about 11% of the bot's
CPU under the soak benchmark's mix). A single SELECT needs no transaction, so on PostgreSQL
reads get an engine of their own in autocommit and without the pre-ping; instead a read that
meets a dead connection (the server restarted, or cut it) is retried once, after SQLAlchemy
has invalidated the pool's older connections. On SQLite the reads use the main engine.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.core.engine import create_engine, session_factory
from storage.core.pool import PoolBudget

T = TypeVar("T")
Read = Callable[[AsyncSession], Awaitable[T]]
APPLICATION_NAME = "backlog-bot reads"


class ReadSessions:
    """Runs a read in a session that never writes."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine | None = None
    ) -> None:
        """`sessions`: the main ones; `engine`: a read engine of its own, closed by close()."""
        self._engine = engine
        self._sessions = session_factory(engine) if engine is not None else sessions

    async def run(self, read: Read[T]) -> T:
        """`read` in a fresh session; once more if the connection turned out to be dead."""
        try:
            async with self._sessions() as session:
                return await read(session)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
        async with self._sessions() as session:
            return await read(session)

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()


def read_sessions_for(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    schema: str | None = None,
    budget: PoolBudget | None = None,
) -> ReadSessions:
    """Autocommit reads without pre-ping on PostgreSQL, within `budget.reads` connections;
    the main sessions on SQLite."""
    if engine.dialect.name != "postgresql":
        return ReadSessions(sessions)
    reader = create_engine(
        database_url,
        schema=schema,
        application_name=APPLICATION_NAME,
        isolation_level="AUTOCOMMIT",
        pool_pre_ping=False,
        **(budget or PoolBudget()).engine_options((budget or PoolBudget()).reads),
    )
    return ReadSessions(sessions, reader)
