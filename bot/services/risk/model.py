"""The delay-risk model: fit on closed orders, score open ones with a probability and reasons."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bot.services.risk.calibration import Platt, train
from bot.services.risk.features import FEATURES, RATE_FEATURES, OrderState, features
from bot.services.risk.history import ClosedOrder, OpenOrder
from bot.services.risk.levels import LEVELS, KeyMaker, order_keys
from bot.services.risk.logistic import LogisticFit
from bot.services.risk.priors import estimate_priors
from bot.services.risk.rates import Priors, RateBook, shrink
from bot.services.risk.reasons import (
    MAX_REASONS,
    Record,
    Records,
    level_sentence,
    rank,
    recent_records,
    size_sentence,
    state_sentence,
)
from bot.services.risk.training import default_lead, known_outcomes, training_set

VERSION = 1
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
    iterations: int = 8
    holdout_days: int = 365
    calibrate: bool = False
    min_history: int = 200
    max_training_rows: int = 200_000


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

    def rates(self, order: OpenOrder) -> tuple[float, ...]:
        """The order's shrunken late rate at every level, then the global rate."""
        keys = order_keys(order)
        counts = [
            self.tables[level].get(key, (0.0, 0.0)) for level, key in zip(LEVELS, keys, strict=True)
        ]
        return shrink(counts, self.base_rate, self.priors)

    def score(self, order: OpenOrder, today: date) -> Score:
        """Probability that `order` is filled after its current due date, with reasons."""
        state = OrderState(
            today, order.due, order.promised, order.ordered_at, order.slips,
            order.last_eta_change, order.quantity, order.value,
        )  # fmt: skip
        row = features(self.rates(order), state)
        if order.due < today:
            # Past its due date and still open: late by definition, whatever the history says.
            overdue = (today - order.due).days
            return Score(1.0, [f"It is already {overdue} days past its due date."])
        probability = self.platt.probability(self.logistic.margin(row))
        return Score(probability, self._reasons(order, today, row, probability))

    def _reasons(
        self, order: OpenOrder, today: date, row: list[float], probability: float
    ) -> list[str]:
        fit = self.logistic
        contributions = {
            name: coef * (value - mean)
            for name, coef, value, mean in zip(FEATURES, fit.coefs, row, fit.means, strict=True)
        }
        sentences: list[str] = []
        for name in rank(contributions, probability >= self.base_rate):
            sentence = self._sentence(name, order, today, row)
            if sentence is not None and sentence not in sentences:
                sentences.append(sentence)
        return sentences[:MAX_REASONS] or [self._sentence("supplier", order, today, row) or ""]

    def _sentence(self, name: str, order: OpenOrder, today: date, row: list[float]) -> str | None:
        if name in LEVELS:
            return level_sentence(name, order, self._record(name, order), self.base_rate)
        if name in ("quantity", "value"):
            index = FEATURES.index(name)
            amount = order.quantity if name == "quantity" else order.value
            return size_sentence(name, amount, row[index] > self.logistic.means[index])
        return state_sentence(name, order, today, self.base_rate)

    def _record(self, level: str, order: OpenOrder) -> Record | None:
        return self.records[level].get(order_keys(order)[LEVELS.index(level)])

    def to_json(self) -> str:
        """The model as a JSON document (see `codec`)."""
        from bot.services.risk.codec import encode  # the codec needs this class: import late

        return encode(self)

    @staticmethod
    def from_json(text: str) -> RiskModel:
        """A model back from `to_json`'s output."""
        from bot.services.risk.codec import decode

        return decode(text)


def fit(
    history: Iterable[ClosedOrder],
    as_of: date,
    params: Params | None = None,
    still_open: Iterable[OpenOrder] = (),
) -> RiskModel:
    """Learn from every order due before `as_of`; overdue `still_open` orders count as late."""
    params = params or Params()
    outcomes, orders = known_outcomes(history, still_open, as_of, KeyMaker())
    if len(outcomes) < params.min_history:
        raise NotEnoughHistory(len(outcomes), params.min_history)
    priors = params.priors or estimate_priors(outcomes)
    book = RateBook(params.half_life_days, priors)
    lead = default_lead(orders)
    data = training_set(
        outcomes, orders, book, lead, params.max_training_rows, as_of, params.row_half_life_days
    )
    l2 = [params.rate_l2 if name in RATE_FEATURES else params.state_l2 for name in FEATURES]
    trained = train(
        data, as_of.toordinal(), params.holdout_days, l2, params.iterations, params.calibrate
    )
    tables, base = book.snapshot(as_of.toordinal())
    late = sum(1 for outcome in outcomes if outcome.late)
    metrics = {"late_rate": late / len(outcomes), "training_rows": float(len(data.days))}
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
        metrics=metrics | trained.holdout,
    )


__all__ = ["RATE_FEATURES", "NotEnoughHistory", "Params", "RiskModel", "Score", "fit"]
