"""Recency-weighted, shrunken late rates per level (supplier, SKU, supplier×SKU, customer, team)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from bot.services.risk.levels import LEVELS, PARENTS, Keys

Counts = dict[str, list[float]]  # key -> [weighted orders, weighted late orders, as-of ordinal]


class Outcome(NamedTuple):
    """One order's known outcome: known the day after its due date, whenever it was filled."""

    known: int  # date ordinal from which the outcome counts (due + 1)
    late: bool
    days_late: int
    keys: Keys


@dataclass(frozen=True, slots=True)
class Priors:
    """Prior strength (pseudo-orders) of each level's Beta prior around its parent rate."""

    supplier: float = 2.0
    sku: float = 10.0
    customer: float = 10.0
    team: float = 10.0
    supplier_sku: float = 2.0
    supplier_customer: float = 2.0
    supplier_team: float = 2.0

    def of(self, level: str) -> float:
        """The prior strength of one level."""
        return float(getattr(self, level))


def decay_rate(half_life_days: float) -> float:
    """Per-day exponent so that an outcome's weight halves every `half_life_days`."""
    return math.log(2.0) / half_life_days


def _at(counts: list[float] | None, day: int, decay: float) -> tuple[float, float]:
    if counts is None:
        return 0.0, 0.0
    factor = math.exp(-decay * (day - counts[2]))
    return counts[0] * factor, counts[1] * factor


class RateBook:
    """Decayed counts per level, fed outcomes in time order and asked for rates as of a day."""

    def __init__(self, half_life_days: float, priors: Priors) -> None:
        self.decay = decay_rate(half_life_days)
        self.priors = priors
        self.tables: dict[str, Counts] = {level: {} for level in LEVELS}
        self._tables = list(self.tables.values())
        self.overall: list[float] = [0.0, 0.0, 0.0]

    def add(self, outcome: Outcome) -> None:
        """Count one outcome at its `known` day (days must not go backwards)."""
        late = 1.0 if outcome.late else 0.0
        day, decay = outcome.known, self.decay
        # Inlined: this runs once per level for each of up to millions of orders.
        for table, key in zip(self._tables, outcome.keys, strict=True):
            counts = table.get(key)
            if counts is None:
                table[key] = [1.0, late, day]
            elif counts[2] == day:
                counts[0] += 1.0
                counts[1] += late
            else:
                factor = math.exp(-decay * (day - counts[2]))
                counts[0] = counts[0] * factor + 1.0
                counts[1] = counts[1] * factor + late
                counts[2] = day
        overall = self.overall
        factor = math.exp(-decay * (day - overall[2]))
        overall[0] = overall[0] * factor + 1.0
        overall[1] = overall[1] * factor + late
        overall[2] = day

    def global_rate(self, day: int) -> float:
        """The recency-weighted late rate of all orders, with a weak uniform prior."""
        n, late = _at(self.overall, day, self.decay)
        return (late + 1.0) / (n + 2.0)

    def rates(self, keys: Keys, day: int) -> tuple[float, ...]:
        """Shrunken rates of every level, then the global rate, as of `day`."""
        counts = [
            _at(self.tables[level].get(key), day, self.decay)
            for level, key in zip(LEVELS, keys, strict=True)
        ]
        return shrink(counts, self.global_rate(day), self.priors)

    def snapshot(self, day: int) -> tuple[dict[str, dict[str, tuple[float, float]]], float]:
        """Every key's (weighted orders, weighted late) as of `day`, and the global rate."""
        tables = {
            level: {key: _at(counts, day, self.decay) for key, counts in table.items()}
            for level, table in self.tables.items()
        }
        return tables, self.global_rate(day)


def shrink(counts: Sequence[tuple[float, float]], base: float, priors: Priors) -> tuple[float, ...]:
    """Each level's (orders, late) shrunk towards its parent's rate, then the global rate."""
    out: dict[str, float] = {}
    for level, (n, late) in zip(LEVELS, counts, strict=True):
        parent = PARENTS[level]
        prior = base if parent is None else out[parent]
        strength = priors.of(level)
        out[level] = (late + strength * prior) / (n + strength)
    return (*(out[level] for level in LEVELS), base)


def rates_as_of(
    outcomes: Sequence[Outcome], queries: Sequence[tuple[int, Keys]], book: RateBook
) -> list[tuple[float, ...]]:
    """Rates for each (day, keys) query, from orders due strictly before that day only.

    `outcomes` and `queries` must be sorted by day; `book` ends holding every outcome.
    """
    result: list[tuple[float, ...]] = []
    position, total = 0, len(outcomes)
    for day, keys in queries:
        while position < total and outcomes[position].known <= day:
            book.add(outcomes[position])
            position += 1
        result.append(book.rates(keys, day))
    for outcome in outcomes[position:]:
        book.add(outcome)
    return result
