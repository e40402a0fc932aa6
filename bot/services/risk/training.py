"""Training rows: each order's known outcome, its features as they were when it was placed."""

from __future__ import annotations

import math
import statistics
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.services.risk.features import FEATURES, OrderState, features
from bot.services.risk.history import ClosedOrder, OpenOrder
from bot.services.risk.levels import KeyMaker, Keys
from bot.services.risk.rates import Outcome, RateBook, decay_rate, rates_as_of

Order = ClosedOrder | OpenOrder
_FALLBACK_LEAD_DAYS = 30  # when no order in the history has an order date at all


@dataclass(frozen=True, slots=True)
class TrainingSet:
    """Feature columns, labels and recency weights of the rows the logistic model learns from."""

    columns: list[array[float]]
    labels: array[float]
    weights: array[float]
    days: list[int]  # each row's snapshot day (ordinal), oldest first


def _outcome(order: Order, as_of: date, keys: Keys) -> Outcome:
    # A closed order filled on or after as_of (a backtest) is, as of then, merely overdue: late,
    # by as many days as had passed. Its real fill date would leak the future.
    filled = order.filled_at if isinstance(order, ClosedOrder) else None
    seen = filled if filled is not None and filled < as_of else as_of
    days_late = (seen - order.due).days
    return Outcome(order.due.toordinal() + 1, days_late > 0, days_late, keys)


def known_outcomes(
    history: Iterable[ClosedOrder], still_open: Iterable[OpenOrder], as_of: date, keys: KeyMaker
) -> tuple[list[Outcome], list[Order]]:
    """Orders due before `as_of` (whose outcome is then certain), sorted by due date."""
    orders: list[Order] = [o for o in history if o.due < as_of]
    orders += [o for o in still_open if o.due < as_of]
    orders.sort(key=lambda o: (o.due, o.order_id))
    return [_outcome(o, as_of, keys.keys(o)) for o in orders], orders


def default_lead(orders: Sequence[Order]) -> int:
    """Median days from order to due date, for orders whose order date is unknown."""
    leads = [(o.due - o.ordered_at).days for o in orders if o.ordered_at is not None]
    leads = [lead for lead in leads if lead >= 0]
    return int(statistics.median(leads)) if leads else _FALLBACK_LEAD_DAYS


def snapshot_day(order: Order, lead: int) -> date:
    """The day a training row is seen as of: when it was ordered, and never after its due date."""
    placed = order.ordered_at if order.ordered_at is not None else order.due - timedelta(lead)
    return min(placed, order.due)


def _state(order: Order, today: date) -> OrderState:
    last_change = order.last_eta_change if isinstance(order, OpenOrder) else None
    return OrderState(
        today, order.due, order.promised, order.ordered_at, order.slips, last_change,
        order.quantity, order.value,
    )  # fmt: skip


def training_set(
    outcomes: Sequence[Outcome],
    orders: Sequence[Order],
    book: RateBook,
    lead: int,
    limit: int,
    as_of: date,
    row_half_life_days: float,
) -> TrainingSet:
    """The most recent `limit` rows, each with level rates from orders due before its snapshot."""
    days = [snapshot_day(order, lead) for order in orders]
    chosen = sorted(range(len(orders)), key=lambda i: (days[i], i))[-limit:]
    queries = [(days[i].toordinal(), outcomes[i].keys) for i in chosen]
    rates = rates_as_of(outcomes, queries, book)
    columns = [array("d") for _ in FEATURES]
    for i, row_rates in zip(chosen, rates, strict=True):
        for column, value in zip(
            columns, features(row_rates, _state(orders[i], days[i])), strict=True
        ):
            column.append(value)
    labels = array("d", [1.0 if outcomes[i].late else 0.0 for i in chosen])
    snapshots = [days[i].toordinal() for i in chosen]
    return TrainingSet(
        columns, labels, _recency(snapshots, as_of, decay_rate(row_half_life_days)), snapshots
    )


def _recency(days: Sequence[int], as_of: date, decay: float) -> array[float]:
    """Row weights halving every half-life before `as_of`, scaled to average 1."""
    end = as_of.toordinal()
    weights = [math.exp(-decay * (end - day)) for day in days]
    mean = sum(weights) / len(weights)
    return array("d", [w / mean for w in weights])
