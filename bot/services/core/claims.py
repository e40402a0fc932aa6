"""Exactly-once work across processes: a unique row per unit of work decides who does it.

Every process may try to claim the same unit; only the one whose insert lands holds it. A
holder that dies leaves the row "claimed": once the claim is older than the lease, another
process (or the restarted one) takes it over. Progress and outcome are written only while
the claim is still held, so a process that lost its claim cannot overwrite the new holder.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.core import claims


def process_identity() -> str:
    """host:pid, to see in a claims table which process did the work (or died)."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Held:
    """This process holds the claim row `claim_id`, on its `attempt`-th claim."""

    claim_id: int
    takeover: bool  # an earlier holder stopped before finishing
    # Which claim of the row this is: a later takeover, even by this same process (another
    # job run of it), makes the earlier holder's writes miss.
    attempt: int = 1


class ClaimBook:
    """Claims units of work in one claims table (see storage.core.claims for its columns)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        table: Table,
        key_columns: Sequence[str],
        lease: timedelta,
        owner: str | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._table = table
        self._key_columns = tuple(key_columns)
        self.lease = lease
        self.owner = owner or process_identity()

    async def claim(self, key: Mapping[str, Any], values: Mapping[str, Any]) -> Held | None:
        """Claim the unit named by `key` (a new row with `values`), or take over an abandoned
        claim on it; None when another process holds it or it is finished."""
        now = self._clock()
        row = {**values, **key, "status": claims.CLAIMED}
        row |= {"claimed_by": self.owner, "claimed_at": now, "attempts": 1}
        async with self._sessions() as session, session.begin():
            claim_id = await claims.insert_claim(session, self._table, self._key_columns, row)
            if claim_id is not None:
                return Held(claim_id, takeover=False)
            return await self._reclaim(session, key, now)

    async def take_over(self, claim_id: int) -> Held | None:
        """Take over claim `claim_id` if it was abandoned; None otherwise."""
        async with self._sessions() as session, session.begin():
            return await self._reclaim(session, {"id": claim_id}, self._clock())

    async def update(self, held: Held, values: Mapping[str, Any]) -> bool:
        """Record progress or the outcome; False if this process no longer holds the claim
        (or holds it again, on a later attempt)."""
        async with self._sessions() as session, session.begin():
            return await claims.update_held(
                session, self._table, held.claim_id, self.owner, held.attempt, values
            )

    async def release(self, held: Held, values: Mapping[str, Any]) -> bool:
        """Give the claim up unfinished (Slack said "later"): anyone may take it over now."""
        abandoned = {"claimed_at": self._clock() - self.lease - timedelta(seconds=1)}
        return await self.update(held, {**values, **abandoned})

    def abandoned_before(self) -> datetime:
        """Claims made before this moment are abandoned."""
        return self._clock() - self.lease

    async def _reclaim(
        self, session: AsyncSession, key: Mapping[str, Any], now: datetime
    ) -> Held | None:
        taken = await claims.reclaim_abandoned(
            session, self._table, key, self.owner, now, now - self.lease
        )
        return None if taken is None else Held(taken[0], takeover=True, attempt=taken[1])
