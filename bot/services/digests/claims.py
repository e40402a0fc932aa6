"""Exactly-once digest delivery: the database row for (subscription, slot) decides who posts.

The scheduler in every bot process fires every slot; each asks for the claim and only the one
whose insert lands posts. A process that dies after claiming leaves the claim "claimed": once it
is older than the lease (DIGEST_LEASE_SECONDS; LEASE by default), another process (or the
restarted one) takes it over, as long as the slot is still within the subscription's grace
period. Every message posted renews the lease; a process that finds its claim taken over stops
and records nothing. After a successful post the claim is "posted" and nobody posts that slot
again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.claims import ClaimBook, Held
from storage.digests import runs as digest_queries
from storage.digests.tables import RunStatus

# The default lease: longer than one message of a digest takes to post (each posted message
# renews it, a 429 wait included), shorter than most graces.
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Claim:
    """This process may post the slot."""

    run_id: int
    subscription_id: int
    slot_key: str
    takeover: bool  # an earlier holder stopped before posting
    attempt: int = 1  # the run's attempts when this process claimed it


class DigestClaims:
    """Claims slots and records how delivery went."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        owner: str | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        self._clock = clock
        self._sessions = sessions
        self._book = ClaimBook(
            sessions, clock, digest_queries.RUNS, digest_queries.SLOT_KEY, lease, owner
        )
        self.owner = self._book.owner
        self.lease = lease

    async def claim(
        self, subscription_id: int, slot_key: str, scheduled_at: datetime, grace: timedelta
    ) -> Claim | None:
        """The claim on this slot, or None: someone else has it, or the slot is past its grace."""
        if self._clock() > scheduled_at + grace:
            return None
        key = {"subscription_id": subscription_id, "slot_key": slot_key}
        held = await self._book.claim(key, {"scheduled_at": scheduled_at})
        if held is None:
            return None
        return Claim(held.claim_id, subscription_id, slot_key, held.takeover, held.attempt)

    async def posted(
        self, claim: Claim, message_ts: str, listed: Mapping[str, Any] | None = None
    ) -> bool:
        """Mark the slot delivered; False if this process no longer held the claim.

        `listed` is the digest's snapshot (what it counted as lagging), kept with the run.
        """
        values = {
            "status": RunStatus.POSTED.value,
            "posted_at": self._clock(),
            "message_ts": message_ts,
            "listed": dict(listed) if listed is not None else None,
            "error": None,  # an interrupted attempt's error is history once the slot is out
        }
        return await self._finish(claim, values)

    async def skipped(self, claim: Claim, listed: Mapping[str, Any]) -> bool:
        """Mark the slot done without a message (an empty digest the subscription skips)."""
        values = {"status": RunStatus.SKIPPED.value, "posted_at": self._clock()}
        return await self._finish(claim, {**values, "listed": dict(listed)})

    async def progress(self, claim: Claim, message_ts: str, parts_posted: int) -> bool:
        """Record that the main message and `parts_posted` messages in all are out. Progress
        renews the lease, so a long thread is not taken over while it is being posted.
        """
        values = {"message_ts": message_ts, "parts_posted": parts_posted}
        return await self._finish(claim, {**values, "claimed_at": self._clock()})

    async def progress_of(self, claim: Claim) -> tuple[str | None, int]:
        """(main message ts, messages posted) so far: where a takeover continues."""
        async with self._sessions() as session:
            return await digest_queries.run_progress(session, claim.run_id)

    async def failed(self, claim: Claim, error: str) -> bool:
        """Mark the slot failed (Slack refused for good); it is not retried."""
        return await self._finish(claim, {"status": RunStatus.FAILED.value, "error": error})

    async def interrupted(self, claim: Claim, error: str) -> bool:
        """Note a passing failure on the claim, which stays; the lease is not renewed, so the
        slot is taken over once it runs out. False if this process no longer held the claim.
        """
        return await self._finish(claim, {"error": error})

    async def _finish(self, claim: Claim, values: dict[str, object]) -> bool:
        return await self._book.update(Held(claim.run_id, claim.takeover, claim.attempt), values)
