"""What the App Home shows of the upstream sync; the sync service itself provides it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class SyncStatus:
    """The sync's health at a glance."""

    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    orders_changed: int | None  # in the last run that finished
    consecutive_failures: int = 0


class SyncStatusSource(Protocol):
    """Anything that can say how the upstream sync is doing."""

    async def status(self) -> SyncStatus | None:
        """The current status; None when no upstream sync is configured."""
        ...
