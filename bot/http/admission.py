"""Admission of Slack requests: a bounded number in flight, the rest refused while still useful."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.responses import JSONResponse

from bot.services.core.errors import BUSY_MESSAGE

# Slack requests served at once. Past the CPU's capacity more concurrency only makes each one
# slower (measured: one process peaks near 240 mixed requests/s with 16 in flight); the margin
# above that is for listeners waiting on Slack's Web API, which holds a slot too.
SLACK_IN_FLIGHT = 64
# Slack abandons a request whose ack takes over 3 s: one that cannot even start within 1 s is
# refused at once (HTTP 503; Events API deliveries are retried by Slack) instead of queueing.
ADMISSION_WAIT_S = 1.0


class Admission:
    """At most `limit` requests in flight; one waiting longer than `wait_s` is not admitted.

    Without it an overloaded process accepts every request, each waiting longer for a database
    connection than Slack waits for the ack, and never catches up (soak benchmark: at 200
    requests/s every request timed out for ten minutes while memory grew to 1.4 GiB).
    """

    def __init__(self, limit: int = SLACK_IN_FLIGHT, wait_s: float = ADMISSION_WAIT_S) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._wait_s = wait_s

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[bool]:
        """Yields True with a slot held for the block, or False when none freed up in time."""
        try:
            await asyncio.wait_for(self._slots.acquire(), self._wait_s)
        except TimeoutError:
            yield False
            return
        try:
            yield True
        finally:
            self._slots.release()


def busy_response() -> JSONResponse:
    """503 with Retry-After: no slot free (this module), or no database connection free
    within the pool budget (DatabaseBusy, raised by storage and answered at the edges)."""
    return JSONResponse({"error": BUSY_MESSAGE}, status_code=503, headers={"Retry-After": "1"})
