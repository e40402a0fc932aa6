"""How good probabilities are: ranking (AUC, precision at the top), Brier score, calibration."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Scores = Sequence[float]
Labels = Sequence[bool] | Sequence[float]


@dataclass(frozen=True, slots=True)
class Bin:
    """One band of the reliability table: mean predicted vs observed late rate."""

    predicted: float
    observed: float
    count: int


def _average_ranks(scores: Scores) -> list[float]:
    """1-based ranks, ties sharing the mean of the ranks they span."""
    order = sorted(range(len(scores)), key=scores.__getitem__)
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        shared = (start + end) / 2.0 + 1.0
        for position in range(start, end + 1):
            ranks[order[position]] = shared
        start = end + 1
    return ranks


def auc(scores: Scores, labels: Labels) -> float:
    """Area under the ROC curve (Mann-Whitney); NaN when only one class is present."""
    positives = sum(1 for label in labels if label)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return math.nan
    ranks = _average_ranks(scores)
    rank_sum = sum(rank for rank, label in zip(ranks, labels, strict=True) if label)
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def brier(scores: Scores, labels: Labels) -> float:
    """Mean squared error of the probabilities."""
    if not scores:
        return math.nan
    errors = ((p - (1.0 if y else 0.0)) ** 2 for p, y in zip(scores, labels, strict=True))
    return sum(errors) / len(scores)


def precision_at(scores: Scores, labels: Labels, fraction: float = 0.10) -> float:
    """Share of late orders among the top `fraction` by score (ties broken by input order)."""
    if not scores:
        return math.nan
    top = max(1, math.ceil(len(scores) * fraction))
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:top]
    return sum(1 for i in order if labels[i]) / top


def reliability(scores: Scores, labels: Labels, bins: int = 10) -> list[Bin]:
    """Equal-count bands by predicted probability (deciles by default), lowest first."""
    order = sorted(range(len(scores)), key=lambda i: (scores[i], i))
    table: list[Bin] = []
    for band in range(bins):
        members = order[band * len(order) // bins : (band + 1) * len(order) // bins]
        if not members:
            continue
        predicted = sum(scores[i] for i in members) / len(members)
        observed = sum(1 for i in members if labels[i]) / len(members)
        table.append(Bin(predicted, observed, len(members)))
    return table
