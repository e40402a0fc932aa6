"""Is the bot able to serve: the database can be reached."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.orders import queries

log = logging.getLogger(__name__)
# How long a ping may go unanswered before the database counts as unreachable. Generous on
# purpose: in a CPU spike every process answers late at once, and a probe that judged speed
# would take them all out of the load balancer together. Slow is healthy; silent is not.
NO_ANSWER_SECONDS = 10.0
# How long a ping given up on may take to let go of its connection before it is left to finish
# on its own (its outcome is still collected, never left "never retrieved").
_LET_GO_SECONDS = 1.0


@dataclass(frozen=True)
class Health:
    """The outcome of one health check."""

    ok: bool
    database: str


class HealthService:
    """Checks the dependencies the bot cannot work without."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], timeout: float = NO_ANSWER_SECONDS
    ) -> None:
        self._sessions = sessions
        self._timeout = timeout

    async def check(self) -> Health:
        """Round-trip to the database; unhealthy only when it cannot be reached or stays silent
        for `timeout` seconds. A failure is reported, never raised."""
        ping = asyncio.create_task(self._ping())
        done, _ = await asyncio.wait({ping}, timeout=self._timeout)
        if not done:
            await _give_up(ping)
            return Health(ok=False, database=f"unreachable: no answer within {self._timeout:g} s")
        error = ping.exception()
        if error is None:
            return Health(ok=True, database="ok")
        if isinstance(error, PoolTimeout):
            # Every connection of this process is busy: the database answers, the process is
            # full (admission refuses requests with 503 meanwhile).
            return Health(ok=True, database="ok (every pooled connection busy)")
        if isinstance(error, SQLAlchemyError | OSError):
            return Health(ok=False, database=f"unreachable: {type(error).__name__}")
        raise error

    async def _ping(self) -> None:
        async with self._sessions() as session:
            await queries.ping(session)


async def _give_up(ping: asyncio.Task[None]) -> None:
    """Cancel the ping and collect what it ends with, so that the driver's own failure on the
    abandoned connection is retrieved here instead of logged as never retrieved."""
    ping.cancel()
    await asyncio.wait({ping}, timeout=_LET_GO_SECONDS)
    if not ping.done():
        ping.add_done_callback(_collect)
    else:
        _collect(ping)


def _collect(ping: asyncio.Task[None]) -> None:
    if not ping.cancelled() and ping.exception() is not None:
        log.debug("abandoned health ping ended with %r", ping.exception())
