"""Reasons for a score: the features that push it most, each as one sentence, strongest first."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from bot.services.risk.features import FEATURES
from bot.services.risk.history import OpenOrder
from bot.services.risk.levels import LEVELS, Keys
from bot.services.risk.logistic import LogisticFit
from bot.services.risk.reasons import (
    Record,
    Records,
    level_sentence,
    size_sentence,
    state_sentence,
)

MAX_REASONS = 3
# Features that move the log-odds by less than this are not worth a sentence of their own.
_NOTEWORTHY = 0.05
_SIZES = {"quantity": FEATURES.index("quantity"), "value": FEATURES.index("value")}
_LEVEL_COUNT = len(LEVELS)
assert FEATURES[:_LEVEL_COUNT] == LEVELS


class Explainable(Protocol):
    """What explaining needs from a model."""

    @property
    def records(self) -> Records: ...
    @property
    def base_rate(self) -> float: ...
    @property
    def logistic(self) -> LogisticFit: ...


def explain(
    model: Explainable, order: OpenOrder, keys: Keys, today: date, row: list[float], p: float
) -> list[str]:
    """Sentences for the features that explain why `p` is above (or below) the base rate."""
    fit, raising = model.logistic, p >= model.base_rate
    sign = 1.0 if raising else -1.0
    strengths = [sign * c * (x - m) for c, x, m in zip(fit.coefs, row, fit.means, strict=True)]
    strong = sorted(
        (i for i, s in enumerate(strengths) if s > _NOTEWORTHY), key=lambda i: -strengths[i]
    )
    sentences: list[str] = []
    told: list[Record] = []
    for index in strong:
        if index < _LEVEL_COUNT:  # FEATURES begin with one rate feature per level
            sentence = _level(model, index, order, keys, raising, told)
        elif FEATURES[index] in _SIZES:
            amount = order.quantity if FEATURES[index] == "quantity" else order.value
            sentence = size_sentence(FEATURES[index], amount, row[index] > fit.means[index])
        else:
            sentence = state_sentence(FEATURES[index], order, today)
        if sentence is not None:
            sentences.append(sentence)
        if len(sentences) == MAX_REASONS:
            break
    return sentences or [_fallback(model, order, keys)]


def _level(
    model: Explainable, index: int, order: OpenOrder, keys: Keys, raising: bool, told: list[Record]
) -> str | None:
    """A level's sentence, unless its counts point the other way or repeat one already told."""
    record = model.records[LEVELS[index]].get(keys[index])
    if not _agrees(record, raising, model.base_rate) or (record is not None and record in told):
        return None
    if record is not None:
        told.append(record)
    return level_sentence(LEVELS[index], order, record, model.base_rate)


def _agrees(record: Record | None, raising: bool, base_rate: float) -> bool:
    """Whether a key's last orders point the same way as the score.

    The model weighs recent orders more than "n of the last 20" shows: when the two disagree,
    the sentence would contradict the score. (The same counts for two levels, say an SKU only
    one supplier sells, would only repeat themselves.)
    """
    if record is None or record.total == 0:
        return True
    return (record.late / record.total >= base_rate) == raising


def _fallback(model: Explainable, order: OpenOrder, keys: Keys) -> str:
    """The supplier's record: said when no feature stands out."""
    record = model.records["supplier"].get(keys[LEVELS.index("supplier")])
    return level_sentence("supplier", order, record, model.base_rate)
