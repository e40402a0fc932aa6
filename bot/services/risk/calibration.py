"""Fit the logistic model, then recalibrate it (Platt) on the most recent, held-out orders."""

from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass

from bot.services.risk.features import FEATURES, RATE_FEATURES
from bot.services.risk.logistic import LogisticFit, fit_logistic, sigmoid
from bot.services.risk.metrics import auc, brier
from bot.services.risk.training import TrainingSet

# Below this many held-out orders a Platt fit is noise: keep the logistic model's own scale.
_MIN_HOLDOUT = 100
_PLATT_L2 = 1e-3


@dataclass(frozen=True, slots=True)
class Platt:
    """p = sigmoid(slope * margin + offset)."""

    slope: float = 1.0
    offset: float = 0.0

    def probability(self, margin: float) -> float:
        """The calibrated probability of one log-odds margin."""
        return sigmoid(self.slope * margin + self.offset)


@dataclass(frozen=True, slots=True)
class Trained:
    """The fitted logistic model, its calibration, and how it did on the held-out orders."""

    logistic: LogisticFit
    platt: Platt
    holdout: dict[str, float]


def _part(data: TrainingSet, start: int, stop: int) -> TrainingSet:
    return TrainingSet(
        [column[start:stop] for column in data.columns],
        data.labels[start:stop],
        data.weights[start:stop],
        data.days[start:stop],
    )


# A higher late rate at any level never lowers the risk: it keeps each reason's direction honest.
_POSITIVE = [name in RATE_FEATURES for name in FEATURES]


def _fit(data: TrainingSet, l2: float, iterations: int) -> LogisticFit:
    return fit_logistic(data.columns, data.labels, data.weights, l2, iterations, _POSITIVE)


def _margins(model: LogisticFit, data: TrainingSet) -> array[float]:
    return array("d", [model.margin(row) for row in zip(*data.columns, strict=True)])


def train(
    data: TrainingSet, as_of_day: int, holdout_days: int, l2: float, iterations: int
) -> Trained:
    """Fit on orders placed before the hold-out window, Platt-scale on it, then refit on all."""
    split = bisect.bisect_left(data.days, as_of_day - holdout_days)
    final = _fit(data, l2, iterations)
    if holdout_days <= 0 or split < _MIN_HOLDOUT or len(data.days) - split < _MIN_HOLDOUT:
        return Trained(final, Platt(), {})
    early, late = _part(data, 0, split), _part(data, split, len(data.days))
    margins = _margins(_fit(early, l2, iterations), late)
    platt_fit = fit_logistic([margins], late.labels, late.weights, _PLATT_L2, iterations)
    platt = Platt(platt_fit.coefs[0], platt_fit.intercept)
    calibrated = [platt.probability(m) for m in margins]
    holdout = {
        "holdout_rows": float(len(margins)),
        "holdout_auc": auc(calibrated, late.labels),
        "holdout_brier": brier(calibrated, late.labels),
        "holdout_late_rate": sum(late.labels) / len(late.labels),
    }
    return Trained(final, platt, holdout)
