"""The one slip rule: what moving an order's ETA does to its slip counters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


def effective_eta(current_eta: date | None, promised_date: date) -> date:
    """The date the order is expected: its current ETA, else the original promise."""
    return current_eta or promised_date


@dataclass(frozen=True)
class EtaMove:
    """One ETA change and the slip counters after it."""

    previous: date  # the effective ETA before the change
    eta: date
    slip_days: int  # 0 when the new ETA is not later than the previous one
    slip_count: int
    days_slipped: int

    @property
    def slipped(self) -> bool:
        return self.slip_days > 0

    @property
    def note(self) -> str | None:
        """How the slip reads in the audit trail."""
        return f"slipped {self.slip_days} day(s)" if self.slipped else None


@dataclass(frozen=True)
class EtaHistory:
    """What the slip rule needs to know about an order's ETA so far."""

    promised_date: date  # the original promise: never overwritten
    current_eta: date | None = None
    slip_count: int = 0
    days_slipped: int = 0

    def move_to(self, new_eta: date) -> EtaMove:
        """A later date than the effective ETA is a slip; an earlier or equal one is not."""
        previous = effective_eta(self.current_eta, self.promised_date)
        slip = max((new_eta - previous).days, 0)
        return EtaMove(
            previous=previous,
            eta=new_eta,
            slip_days=slip,
            slip_count=self.slip_count + (1 if slip else 0),
            days_slipped=self.days_slipped + slip,
        )
