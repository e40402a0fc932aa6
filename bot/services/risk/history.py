"""The delay-risk model's input: closed orders (with an outcome) and open orders (to score)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ClosedOrder:
    """An order that was filled; `due` is its last ETA (else its promise) when it closed."""

    order_id: str
    supplier: str
    sku: str
    customer: str
    team: str
    ordered_at: date | None
    due: date
    promised: date
    filled_at: date
    slips: int = 0
    quantity: float = 0.0
    value: float = 0.0

    @property
    def late(self) -> bool:
        """Whether it was filled after its due date."""
        return self.filled_at > self.due


@dataclass(frozen=True, slots=True)
class OpenOrder:
    """An order not yet filled, as known today: its current due date and slips so far."""

    order_id: str
    supplier: str
    sku: str
    customer: str
    team: str
    ordered_at: date | None
    due: date
    promised: date
    slips: int = 0
    last_eta_change: date | None = None
    quantity: float = 0.0
    value: float = 0.0


def as_open(order: ClosedOrder) -> OpenOrder:
    """The same order as it looked before it was filled (for backtests)."""
    return OpenOrder(
        order_id=order.order_id,
        supplier=order.supplier,
        sku=order.sku,
        customer=order.customer,
        team=order.team,
        ordered_at=order.ordered_at,
        due=order.due,
        promised=order.promised,
        slips=order.slips,
        quantity=order.quantity,
        value=order.value,
    )
