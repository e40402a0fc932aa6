"""Listing totals worth remembering for a few seconds.

`/backlog late` shows "Overdue orders: 49026" above its first ten rows. Counting that many
orders is an index scan of every one of them (about 10 ms on PostgreSQL at 1M orders, most of
the command's time), while the ten rows take a fraction of a millisecond. Large totals are
therefore reused for FRESH_FOR: the rows are always read fresh, a total of thousands may be a
few seconds old, and a total under CACHED_FROM (any team's or rep's own list) is always exact.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime, timedelta

FRESH_FOR = timedelta(seconds=15)
CACHED_FROM = 1_000
KEPT = 256  # distinct listings remembered at once (the oldest is forgotten first)


class ListingTotals:
    """Recent large totals by listing, per process."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        fresh_for: timedelta = FRESH_FOR,
        cached_from: int = CACHED_FROM,
    ) -> None:
        self._clock = clock
        self._fresh_for = fresh_for
        self._cached_from = cached_from
        self._totals: dict[Hashable, tuple[datetime, int]] = {}

    def recent(self, listing: Hashable) -> int | None:
        """The listing's total counted within FRESH_FOR, if it was large enough to keep."""
        kept = self._totals.get(listing)
        if kept is None:
            return None
        counted_at, total = kept
        if self._clock() - counted_at >= self._fresh_for:
            del self._totals[listing]
            return None
        return total

    def counted(self, listing: Hashable, total: int) -> None:
        """Remember a fresh count (only a large one: small counts are cheap and exact)."""
        self._totals.pop(listing, None)  # re-inserted last: the newest is forgotten last
        if total < self._cached_from:
            return
        self._totals[listing] = (self._clock(), total)
        while len(self._totals) > KEPT:
            del self._totals[next(iter(self._totals))]
