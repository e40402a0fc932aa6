"""The reference predictor: each supplier's recency-weighted late rate, shrunk to the global one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.services.risk.history import ClosedOrder, OpenOrder
from bot.services.risk.rates import Priors, RateBook
from bot.services.risk.training import known_outcomes


@dataclass(frozen=True, slots=True)
class SupplierBaseline:
    """Per supplier (weighted orders, weighted late) as of a day, and the global rate."""

    suppliers: dict[str, tuple[float, float]]
    base_rate: float
    strength: float

    def probability(self, order: OpenOrder) -> float:
        """The supplier's shrunken late rate (the global rate for an unknown supplier)."""
        n, late = self.suppliers.get(order.supplier, (0.0, 0.0))
        return (late + self.strength * self.base_rate) / (n + self.strength)


def fit_baseline(
    history: Iterable[ClosedOrder],
    as_of: date,
    half_life_days: float = 365.0,
    strength: float = Priors().supplier,
) -> SupplierBaseline:
    """Supplier late rates from every order due before `as_of`, weighted to recent orders."""
    outcomes, _ = known_outcomes(history, (), as_of)
    book = RateBook(half_life_days, Priors(supplier=strength))
    for outcome in outcomes:
        book.add(outcome)
    tables, base = book.snapshot(as_of.toordinal())
    return SupplierBaseline(tables["supplier"], base, strength)
