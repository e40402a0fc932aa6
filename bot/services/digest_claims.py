"""Exactly-once digest delivery: the database row for (subscription, slot) decides who posts.

The scheduler in every bot process fires every slot; each asks for the claim and only the one
whose insert lands posts. A process that dies after claiming leaves the claim "claimed": once it
is older than LEASE, another process (or the restarted one) takes it over, as long as the slot
is still within the subscription's grace period. After a successful post the claim is "posted"
and nobody posts that slot again.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import digest_queries
from storage.digest_models import RunStatus

# Longer than a digest takes to build and post (including 429 waits), shorter than any grace.
LEASE = timedelta(minutes=5)


def process_identity() -> str:
    """host:pid, to see in the claims table which process posted (or died)."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Claim:
    """This process may post the slot."""

    run_id: int
    subscription_id: int
    slot_key: str
    takeover: bool  # an earlier holder stopped before posting


class DigestClaims:
    """Claims slots and records how delivery went."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        owner: str | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.owner = owner or process_identity()

    async def claim(
        self, subscription_id: int, slot_key: str, scheduled_at: datetime, grace: timedelta
    ) -> Claim | None:
        """The claim on this slot, or None: someone else has it, or the slot is past its grace."""
        now = self._clock()
        if now > scheduled_at + grace:
            return None
        values = {
            "subscription_id": subscription_id,
            "slot_key": slot_key,
            "scheduled_at": scheduled_at,
            "status": RunStatus.CLAIMED.value,
            "claimed_by": self.owner,
            "claimed_at": now,
            "attempts": 1,
        }
        async with self._sessions() as session, session.begin():
            run_id = await digest_queries.insert_claim(session, values)
            if run_id is not None:
                return Claim(run_id, subscription_id, slot_key, takeover=False)
            run_id = await digest_queries.reclaim_abandoned(
                session, subscription_id, slot_key, self.owner, now, now - LEASE
            )
        return Claim(run_id, subscription_id, slot_key, takeover=True) if run_id else None

    async def posted(
        self, claim: Claim, message_ts: str, listed: Mapping[str, Any] | None = None
    ) -> bool:
        """Mark the slot delivered; False if this process no longer held the claim."""
        values = {
            "status": RunStatus.POSTED.value,
            "posted_at": self._clock(),
            "message_ts": message_ts,
            "listed": dict(listed) if listed is not None else None,
        }
        return await self._finish(claim, values)

    async def skipped(self, claim: Claim, listed: Mapping[str, Any]) -> bool:
        """Mark the slot done without a message (an empty digest the subscription skips)."""
        values = {"status": RunStatus.SKIPPED.value, "posted_at": self._clock()}
        return await self._finish(claim, {**values, "listed": dict(listed)})

    async def progress(self, claim: Claim, message_ts: str, parts_posted: int) -> bool:
        """Record that the main message and `parts_posted` messages in all are out."""
        async with self._sessions() as session, session.begin():
            return await digest_queries.record_progress(
                session, claim.run_id, self.owner, message_ts, parts_posted, self._clock()
            )

    async def progress_of(self, claim: Claim) -> tuple[str | None, int]:
        """(main message ts, messages posted) so far: where a takeover continues."""
        async with self._sessions() as session:
            return await digest_queries.run_progress(session, claim.run_id)

    async def failed(self, claim: Claim, error: str) -> bool:
        """Mark the slot failed (Slack refused for good); it is not retried."""
        return await self._finish(claim, {"status": RunStatus.FAILED.value, "error": error})

    async def _finish(self, claim: Claim, values: dict[str, object]) -> bool:
        async with self._sessions() as session, session.begin():
            return await digest_queries.finish_run(session, claim.run_id, self.owner, values)
