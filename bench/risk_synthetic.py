"""Scale check of the delay-risk model: 1M synthetic closed orders, 100k open ones.

Run: `python -m bench.risk_synthetic [--closed N] [--open N] [--tracemalloc]`. Suppliers differ in
reliability and drift over time; SKUs, customers and teams add their own effects; rushed orders
and slipped ETAs are riskier. Targets: fit < 60 s, scoring every open order < 10 s, peak < 1 GiB.
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypeVar

from bot.services.risk.codec import encode
from bot.services.risk.history import ClosedOrder, OpenOrder
from bot.services.risk.metrics import auc, brier
from bot.services.risk.model import RiskModel, fit

TODAY = date(2026, 1, 1)
YEARS = 4
SEED = 20261203
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class World:
    """The hidden truth orders are drawn from: effects on the log-odds of being late."""

    suppliers: list[tuple[str, float, float, float]]  # name, base, drift per year, mean lead
    skus: list[tuple[str, float, int]]  # name, effect, index of its supplier
    customers: list[tuple[str, float]]
    teams: list[tuple[str, float]]


class Draw(NamedTuple):
    """One order's keys, dates (ordinals) and true log-odds of being late."""

    supplier: str
    sku: str
    customer: str
    team: str
    ordered: int
    promised: int
    due: int
    slips: int
    log_odds: float
    quantity: float


def make_world(rng: random.Random) -> World:
    """500 suppliers, 5,000 SKUs (each sold by one supplier), 2,000 customers, 20 teams."""
    suppliers = [
        (f"Mfr-{i:03d}", rng.gauss(-2.2, 0.9), rng.gauss(0.0, 0.4), rng.uniform(20, 120))
        for i in range(500)
    ]
    skus = [(f"P{i:05d}", rng.gauss(0.0, 0.5), rng.randrange(500)) for i in range(5000)]
    customers = [(f"Hospital {i:04d}", rng.gauss(0.0, 0.4)) for i in range(2000)]
    teams = [(f"Pod {i:02d}", rng.gauss(0.0, 0.3)) for i in range(20)]
    return World(suppliers, skus, customers, teams)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def draw(world: World, rng: random.Random, ordered: int) -> Draw:
    """One order placed on day `ordered`, with its slips (ETA changes) drawn from its risk."""
    sku, sku_effect, supplier_index = world.skus[rng.randrange(len(world.skus))]
    supplier, base, drift, mean_lead = world.suppliers[supplier_index]
    # A few big customers place most orders (Pareto), as in real backlogs.
    customer, customer_effect = world.customers[int(rng.paretovariate(1.2)) % len(world.customers)]
    team, team_effect = world.teams[rng.randrange(len(world.teams))]
    lead = max(3, int(rng.gauss(mean_lead, mean_lead / 3)))
    years = (ordered - TODAY.toordinal()) / 365.0
    log_odds = base + drift * years + sku_effect + customer_effect + team_effect
    log_odds += 0.4 * math.log(mean_lead / lead)  # rushed orders are late more often
    slips = int(rng.random() < _sigmoid(log_odds - 0.5))
    due = ordered + lead + slips * rng.randint(5, 20)
    quantity = float(int(rng.lognormvariate(4.0, 1.2)) + 1)
    return Draw(
        supplier, sku, customer, team, ordered, ordered + lead, due, slips, log_odds, quantity
    )


def is_late(d: Draw, rng: random.Random) -> bool:
    """The outcome: a slipped order is more likely late even against its new ETA."""
    return rng.random() < _sigmoid(d.log_odds + 0.8 * d.slips)


class Days:
    """One shared date object per day: a million orders need not hold millions of dates."""

    def __init__(self) -> None:
        self._days: dict[int, date] = {}

    def __call__(self, ordinal: int) -> date:
        """The date of an ordinal, shared."""
        day = self._days.get(ordinal)
        if day is None:
            day = self._days[ordinal] = date.fromordinal(ordinal)
        return day


def closed_orders(world: World, rng: random.Random, count: int, days: Days) -> list[ClosedOrder]:
    """Orders placed over the YEARS years before TODAY and filled before it."""
    start, span = TODAY.toordinal() - 365 * YEARS, 365 * YEARS - 220
    orders: list[ClosedOrder] = []
    for i in range(count):
        d = draw(world, rng, start + rng.randrange(span))
        filled = d.due + rng.randint(1, 30) if is_late(d, rng) else d.due - rng.randint(0, 7)
        orders.append(
            ClosedOrder(
                f"SO-{i}", d.supplier, d.sku, d.customer, d.team, days(d.ordered), days(d.due),
                days(d.promised), days(filled), d.slips, d.quantity, d.quantity * 12.5,
            )
        )  # fmt: skip
    return orders


def open_orders(
    world: World, rng: random.Random, count: int, days: Days
) -> tuple[list[OpenOrder], list[bool], list[float]]:
    """Orders placed in the last 60 days, not yet due; their (hidden) outcome and true risk."""
    orders: list[OpenOrder] = []
    outcomes: list[bool] = []
    truth: list[float] = []
    for i in range(count):
        d = draw(world, rng, TODAY.toordinal() - rng.randrange(1, 60))
        if d.due <= TODAY.toordinal():  # keep it open: move its dates past today
            shift = TODAY.toordinal() + rng.randint(1, 30) - d.due
            d = d._replace(promised=d.promised + shift, due=d.due + shift)
        changed = days(TODAY.toordinal() - rng.randint(0, 20)) if d.slips else None
        orders.append(
            OpenOrder(
                f"OPEN-{i}", d.supplier, d.sku, d.customer, d.team, days(d.ordered), days(d.due),
                days(d.promised), d.slips, changed, d.quantity, d.quantity * 12.5,
            )
        )  # fmt: skip
        outcomes.append(is_late(d, rng))
        truth.append(_sigmoid(d.log_odds + 0.8 * d.slips))
    return orders, outcomes, truth


def peak_rss_mib() -> float:
    """The process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _timed(label: str, action: Callable[[], T]) -> T:
    """Run `action`, printing its wall and CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    print(
        f"{label}: {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU"
    )
    return result


def _fit(history: list[ClosedOrder], traced: bool) -> RiskModel:
    if traced:
        tracemalloc.start()
    model = _timed("Fit", lambda: fit(history, TODAY))
    if traced:
        print(
            f"Fit's traced peak allocations: {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MiB"
        )
        tracemalloc.stop()
    print(f"Peak RSS after fit: {peak_rss_mib():.0f} MiB")
    return model


def _quality(label: str, probabilities: list[float], outcomes: list[bool]) -> None:
    rate = sum(outcomes) / len(outcomes)
    quality = f"AUC {auc(probabilities, outcomes):.3f}, Brier {brier(probabilities, outcomes):.4f}"
    print(f"{label}: {quality} (constant {rate * (1 - rate):.4f})")


def main() -> None:
    """Generate, fit, score; print timings, memory and the model's quality on the open orders."""
    parser = argparse.ArgumentParser(prog="python -m bench.risk_synthetic")
    parser.add_argument("--closed", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--tracemalloc", action="store_true", help="trace fit's allocations")
    args = parser.parse_args()
    rng, days = random.Random(SEED), Days()
    world = make_world(rng)
    history = _timed("Generate closed", lambda: closed_orders(world, rng, args.closed, days))
    current, outcomes, truth = open_orders(world, rng, args.open, days)
    print(f"{len(history)} closed, {len(current)} open; peak RSS {peak_rss_mib():.0f} MiB")
    model = _fit(history, args.tracemalloc)
    scores = _timed(f"Scoring {len(current)}", lambda: [model.score(o, TODAY) for o in current])
    _quality(
        "Model on the open orders' simulated outcome", [s.probability for s in scores], outcomes
    )
    _quality("The true probabilities", truth, outcomes)
    print(f"Model: {model.rows} rows, metrics {model.metrics}")
    for score in scores[:3]:
        print(f"  {score.probability:.2f} {score.reasons}")
    print(f"JSON size: {len(encode(model)) / 2**20:.1f} MiB; peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
