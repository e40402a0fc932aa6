"""Training rows: each order's known outcome, its features as they were when it was placed."""

from __future__ import annotations

import math
import statistics
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from operator import attrgetter

from bot.services.risk.features import FEATURES, OrderState, features
from bot.services.risk.history import ClosedOrder, OpenOrder
from bot.services.risk.levels import Keys, shared_keys
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
    due = order.due.toordinal()
    filled = order.filled_at if isinstance(order, ClosedOrder) else None
    seen = filled if filled is not None and filled < as_of else as_of
    days_late = seen.toordinal() - due
    return Outcome(due + 1, days_late > 0, days_late, keys)


def known_outcomes(
    history: Iterable[ClosedOrder], still_open: Iterable[OpenOrder], as_of: date
) -> tuple[list[Outcome], list[Order]]:
    """Orders due before `as_of` (whose outcome is then certain), sorted by due date."""
    orders: list[Order] = [o for o in history if o.due < as_of]
    orders += [o for o in still_open if o.due < as_of]
    orders.sort(key=attrgetter("due", "order_id"))  # ties by id: the input's order never matters
    return [_outcome(o, as_of, shared_keys(o)) for o in orders], orders


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
    # No ETA-change date, even for an overdue open order: closed orders do not carry one, and a
    # feature only the (late) open rows had would teach the model "has one, so late".
    return OrderState(
        today, order.due, order.promised, order.ordered_at, order.slips, None,
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
    """At most `limit` rows, each with level rates from orders due before its snapshot day."""
    days = [snapshot_day(order, lead) for order in orders]
    ordinals = [day.toordinal() for day in days]
    chosen = _sample(ordinals, limit)
    rates = rates_as_of(outcomes, [(ordinals[i], outcomes[i].keys) for i in chosen], book)
    columns = [array("d") for _ in FEATURES]
    for i, row_rates in zip(chosen, rates, strict=True):
        row = features(row_rates, _state(orders[i], days[i]))
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    labels = array("d", [1.0 if outcomes[i].late else 0.0 for i in chosen])
    snapshots = [ordinals[i] for i in chosen]
    return TrainingSet(
        columns, labels, _recency(snapshots, as_of, decay_rate(row_half_life_days)), snapshots
    )


def _sample(days: list[int], limit: int) -> list[int]:
    """Indices of at most `limit` rows, in snapshot-day order (ties keep their due-date order).

    Every step-th row counting back from the newest: the whole history stays represented (the
    recency weights favour the recent part) at a size the Newton steps can afford.
    """
    ordered = sorted(range(len(days)), key=days.__getitem__)
    return ordered[::-1][:: math.ceil(len(ordered) / limit)][::-1]


def _recency(days: Sequence[int], as_of: date, decay: float) -> array[float]:
    """Row weights halving every half-life before `as_of`, scaled to average 1."""
    end = as_of.toordinal()
    weights = [math.exp(-decay * (end - day)) for day in days]
    mean = sum(weights) / len(weights)
    return array("d", [w / mean for w in weights])
