"""What the App Home shows of the upstream sync: a minimal view of its health.

`SyncHealth` is not bot.services.sync.SyncStatus (the sync's stored state and plan): the Home
needs only these few facts, through `SyncStatusSource`, whoever provides them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.services.sync import SyncService


@dataclass(frozen=True)
class SyncHealth:
    """The sync's health at a glance."""

    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    orders_changed: int | None  # by the last successful run; None before the first one
    consecutive_failures: int = 0


class SyncStatusSource(Protocol):
    """Anything that can say how the upstream sync is doing."""

    async def status(self) -> SyncHealth | None:
        """The current health; None when no upstream sync is configured."""
        ...


class SyncServiceHealth:
    """The SyncStatusSource of the upstream sync service."""

    def __init__(self, sync: SyncService) -> None:
        self._sync = sync

    async def status(self) -> SyncHealth | None:
        if not self._sync.configured:
            return None
        state = (await self._sync.status()).state
        return SyncHealth(
            last_success_at=state.last_success_at,
            last_error=state.last_error,
            last_error_at=state.last_error_at,
            orders_changed=state.last_changed if state.last_success_at else None,
            consecutive_failures=state.consecutive_failures,
        )
