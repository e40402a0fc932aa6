"""Events API deduplication across processes: the first delivery of an event_id is handled.

Slack redelivers an event (same event_id, `X-Slack-Retry-Num` 1 to 3: at once, after a minute,
after five) when the first delivery was not answered 200 within 3 seconds, and a load balancer
may send the redelivery to another process. Every process records an event before handling it;
the unique insert that lands decides which one does. A handler that fails forgets its receipt,
so Slack's next retry is handled afresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.claims import process_identity
from storage.core import receipt_queries as event_queries

log = logging.getLogger(__name__)
# Slack stops retrying about five minutes after the first delivery; keep receipts well past it.
RETENTION = timedelta(hours=1)


class EventReceipts:
    """Which Events API deliveries this deployment has already taken on."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        owner: str | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.owner = owner or process_identity()

    async def first_delivery(self, event_id: str, event_type: str) -> bool:
        """Record the event for this process; False when a process already took it on."""
        async with self._sessions() as session, session.begin():
            return await event_queries.record_receipt(
                session, event_id, event_type, self.owner, self._clock()
            )

    async def forget(self, event_id: str) -> bool:
        """Handling failed here: the next delivery of `event_id` is handled again."""
        async with self._sessions() as session, session.begin():
            return await event_queries.forget_receipt(session, event_id, self.owner)

    async def purge(self) -> int:
        """Drop receipts older than RETENTION; how many went."""
        async with self._sessions() as session, session.begin():
            purged = await event_queries.purge_receipts(session, self._clock() - RETENTION)
        if purged:
            log.info("forgot %d Slack event receipts older than %s", purged, RETENTION)
        return purged
