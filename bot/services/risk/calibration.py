"""Fit the logistic model; measure (and optionally Platt-scale) it on the newest orders held out."""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Sequence
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


# A higher late rate at any level, or a slipped ETA, never lowers the risk: it keeps each reason's
# direction honest (correlated features otherwise trade signs).
_POSITIVE = [name in (*RATE_FEATURES, "slips", "slip_days") for name in FEATURES]


def _fit(data: TrainingSet, l2: Sequence[float], iterations: int) -> LogisticFit:
    return fit_logistic(data.columns, data.labels, data.weights, l2, iterations, _POSITIVE)


def _margins(model: LogisticFit, data: TrainingSet) -> array[float]:
    return array("d", [model.margin(row) for row in zip(*data.columns, strict=True)])


def _platt(margins: array[float], held_out: TrainingSet, iterations: int) -> Platt:
    fit = fit_logistic([margins], held_out.labels, held_out.weights, [_PLATT_L2], iterations)
    return Platt(fit.coefs[0], fit.intercept)


def train(
    data: TrainingSet,
    as_of_day: int,
    holdout_days: int,
    l2: Sequence[float],
    iterations: int,
    calibrate: bool,
) -> Trained:
    """Fit the logistic model and measure it on the newest `holdout_days`, fitted without them.

    With `calibrate`, the model is the one fitted without the hold-out, Platt-scaled on it;
    otherwise it is refitted on every row and keeps its own (in-sample calibrated) scale.
    """
    split = bisect.bisect_left(data.days, as_of_day - holdout_days)
    if holdout_days <= 0 or split < _MIN_HOLDOUT or len(data.days) - split < _MIN_HOLDOUT:
        return Trained(_fit(data, l2, iterations), Platt(), {})
    early, held_out = _part(data, 0, split), _part(data, split, len(data.days))
    early_fit = _fit(early, l2, iterations)
    margins = _margins(early_fit, held_out)
    platt = _platt(margins, held_out, iterations) if calibrate else Platt()
    model = early_fit if calibrate else _fit(data, l2, iterations)
    probabilities = [platt.probability(m) for m in margins]
    holdout = {
        "holdout_rows": float(len(margins)),
        "holdout_auc": auc(probabilities, held_out.labels),
        "holdout_brier": brier(probabilities, held_out.labels),
        "holdout_late_rate": sum(held_out.labels) / len(held_out.labels),
    }
    return Trained(model, platt, holdout)
