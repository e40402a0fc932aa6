"""The delay-risk model: fit on closed orders, score open ones with a probability and reasons."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bot.services.risk.calibration import Platt, Trained, train
from bot.services.risk.explain import explain
from bot.services.risk.features import (
    FEATURES,
    RATE_FEATURES,
    OrderState,
    rate_features,
    state_features,
)
from bot.services.risk.history import ClosedOrder, OpenOrder
from bot.services.risk.levels import LEVELS, Keys, order_keys
from bot.services.risk.logistic import LogisticFit
from bot.services.risk.priors import estimate_priors
from bot.services.risk.rates import Outcome, Priors, RateBook, shrink
from bot.services.risk.reasons import Records, recent_records
from bot.services.risk.training import (
    Order,
    default_lead,
    known_outcomes,
    training_set,
)

VERSION = 1
_UNSEEN = (0.0, 0.0)  # a key with no order due before as_of yet
Tables = dict[str, dict[str, tuple[float, float]]]  # level -> key -> (weighted orders, late)


class NotEnoughHistory(ValueError):
    """Too few orders with a known outcome to fit a model worth trusting."""

    def __init__(self, count: int, needed: int) -> None:
        super().__init__(f"not enough history: {count} closed orders, {needed} needed")
        self.count = count
        self.needed = needed


@dataclass(frozen=True, slots=True)
class Params:
    """Knobs of the model; the defaults are the ones chosen on the SCMS backtests."""

    half_life_days: float = 365.0
    row_half_life_days: float = 365.0
    # Weak priors: on the 2011-2013 SCMS backtests they beat the empirical-Bayes strengths (None).
    priors: Priors | None = field(default_factory=Priors)
    rate_l2: float = 1.0
    state_l2: float = 1.0
    iterations: int = 50
    holdout_days: int = 365
    calibrate: bool = False
    min_history: int = 200
    max_training_rows: int = 50_000


@dataclass(frozen=True, slots=True)
class Score:
    """A probability of being filled after the due date, and why (the first sentence leads)."""

    probability: float
    reasons: list[str]


@dataclass(frozen=True, slots=True)
class RiskModel:
    """A fitted model: level rates as of `as_of`, the logistic combination and its calibration."""

    as_of: date
    window: tuple[date, date]  # due dates of the oldest and newest orders it learnt from
    rows: int
    params: Params
    lead_days: int
    priors: Priors
    base_rate: float
    tables: Tables
    records: Records
    logistic: LogisticFit
    platt: Platt
    metrics: dict[str, float]
    version: int = VERSION
    # Each level's rate feature per key, filled as orders are scored (every value is a function
    # of the key alone: a compound key names its supplier).
    memo: list[dict[str, float]] = field(
        default_factory=lambda: [{} for _ in LEVELS], init=False, repr=False, compare=False
    )

    def rates(self, keys: Keys) -> tuple[float, ...]:
        """An order's shrunken late rate at every level (by its keys), then the global rate."""
        counts = [
            self.tables[level].get(key, _UNSEEN) for level, key in zip(LEVELS, keys, strict=True)
        ]
        return shrink(counts, self.base_rate, self.priors)

    def score(self, order: OpenOrder, today: date) -> Score:
        """Probability that `order` is filled after its current due date, with reasons."""
        if order.due < today:
            # Past its due date and still open: late by definition, whatever the history says.
            overdue = (today - order.due).days
            return Score(1.0, [f"It is already {overdue} days past its due date."])
        state = OrderState(
            today, order.due, order.promised, order.ordered_at, order.slips,
            order.last_eta_change, order.quantity, order.value,
        )  # fmt: skip
        keys = order_keys(order)
        row = self._rate_features(keys) + state_features(state)
        probability = self.platt.probability(self.logistic.margin(row))
        return Score(probability, explain(self, order, keys, today, row, probability))

    def _rate_features(self, keys: Keys) -> list[float]:
        """The rate features of an order's keys, remembered per key: orders share suppliers."""
        memo = self.memo
        try:
            return [table[key] for table, key in zip(memo, keys, strict=True)]
        except KeyError:
            values = rate_features(self.rates(keys))
            for table, key, value in zip(memo, keys, values, strict=True):
                table[key] = value
            return values


def fit(
    history: Iterable[ClosedOrder],
    as_of: date,
    params: Params | None = None,
    still_open: Iterable[OpenOrder] = (),
) -> RiskModel:
    """Learn from every order due before `as_of`; overdue `still_open` orders count as late."""
    params = params or Params()
    outcomes, orders = known_outcomes(history, still_open, as_of)
    if len(outcomes) < params.min_history:
        raise NotEnoughHistory(len(outcomes), params.min_history)
    priors = params.priors or estimate_priors(outcomes)
    book = RateBook(params.half_life_days, priors)
    lead = default_lead(orders)
    trained = _train(outcomes, orders, book, lead, as_of, params)
    tables, base = book.snapshot(as_of.toordinal())
    late_rate = sum(1 for outcome in outcomes if outcome.late) / len(outcomes)
    return RiskModel(
        as_of=as_of,
        window=(orders[0].due, orders[-1].due),
        rows=len(outcomes),
        params=params,
        lead_days=lead,
        priors=priors,
        base_rate=base,
        tables=tables,
        records=recent_records(outcomes),
        logistic=trained.logistic,
        platt=trained.platt,
        metrics={"late_rate": late_rate} | trained.holdout,
    )


def _train(
    outcomes: list[Outcome],
    orders: list[Order],
    book: RateBook,
    lead: int,
    as_of: date,
    params: Params,
) -> Trained:
    """Training rows (filling `book` on the way), then their logistic combination."""
    data = training_set(
        outcomes, orders, book, lead, params.max_training_rows, as_of, params.row_half_life_days
    )
    # Rate and state features get their own L2 penalty.
    l2 = [params.rate_l2 if name in RATE_FEATURES else params.state_l2 for name in FEATURES]
    trained = train(
        data, as_of.toordinal(), params.holdout_days, l2, params.iterations, params.calibrate
    )
    rows = {"training_rows": float(len(data.days))}
    return Trained(trained.logistic, trained.platt, rows | trained.holdout)
