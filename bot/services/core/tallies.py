"""Counts of what this process did (digests, alerts, sync runs), for the /metrics page.

Plain integers and no metrics library: services stay free of the web, and the HTTP layer
turns these counts into Prometheus counters when it is scraped.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum


class Tally(StrEnum):
    """What is counted; each count is further split by an outcome."""

    DIGESTS = "digests"  # outcomes: posted, skipped (nothing to list), failed
    ALERTS = "alerts"  # outcomes: posted, skipped, failed (AlertStatus values)
    SYNC_RUNS = "sync_runs"  # outcomes: ok, failed, skipped (another process held the lease)
    SYNC_ORDERS = "sync_orders"  # outcomes: changed, rejected


class Tallies:
    """Monotonic counts since the process started, by tally and outcome."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[Tally, str]] = Counter()

    def add(self, tally: Tally, outcome: str, amount: int = 1) -> None:
        """Count `amount` more of `tally` with `outcome` (a zero still makes it appear)."""
        self._counts[(tally, outcome)] += amount

    def counts(self, tally: Tally) -> dict[str, int]:
        """Every outcome counted so far for `tally`."""
        return {outcome: n for (kind, outcome), n in self._counts.items() if kind is tally}
