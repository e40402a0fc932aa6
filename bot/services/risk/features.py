"""The logistic model's features: each level's late rate above its parent's, the order's state."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from bot.services.risk.levels import LEVELS, PARENTS

RATE_FEATURES = LEVELS
STATE_FEATURES = (
    "slips",
    "eta_age",
    "days_left",
    "lead_time",
    "lead_unknown",
    "slip_days",
    "quantity",
    "value",
)
FEATURES = RATE_FEATURES + STATE_FEATURES
# Rates are clipped before the logit so a key with no late order yet stays a finite feature.
_RATE_FLOOR = 1e-4
# Beyond a year, "how long until due" no longer tells orders apart in the data we have.
_MAX_DAYS_LEFT = 365


@dataclass(frozen=True, slots=True)
class OrderState:
    """What the bot knows about an order on the day it is scored, apart from its keys."""

    today: date
    due: date
    promised: date
    ordered_at: date | None
    slips: int
    last_eta_change: date | None
    quantity: float
    value: float


def logit(rate: float) -> float:
    """Log-odds of a rate, clipped away from 0 and 1."""
    rate = min(max(rate, _RATE_FLOOR), 1.0 - _RATE_FLOOR)
    return math.log(rate / (1.0 - rate))


def state_features(state: OrderState) -> list[float]:
    """The order-state features, in STATE_FEATURES order."""
    days_left = min(max((state.due - state.today).days, 0), _MAX_DAYS_LEFT)
    eta_age = 0.0
    if state.last_eta_change is not None:
        eta_age = math.log1p(max((state.today - state.last_eta_change).days, 0))
    lead = None if state.ordered_at is None else (state.due - state.ordered_at).days
    return [
        math.log1p(max(state.slips, 0)),
        eta_age,
        days_left / 30.0,
        0.0 if lead is None else math.log1p(max(lead, 0)),
        1.0 if lead is None else 0.0,
        math.log1p(max((state.due - state.promised).days, 0)),
        math.log1p(max(state.quantity, 0.0)),
        math.log1p(max(state.value, 0.0)),
    ]


def rate_features(rates: tuple[float, ...]) -> list[float]:
    """Each level's log-odds above its parent's (`rates` ends with the global rate).

    Differences, not raw log-odds: when every rate rises together (a bad year), no feature moves,
    so overlapping levels cannot add the same rise up several times over. The global level itself
    is left to the intercept: as a feature it extrapolated a rising trend (SCMS 2011 backtest).
    """
    odds = dict(zip((*LEVELS, "global"), map(logit, rates), strict=True))
    return [odds[level] - odds[PARENTS[level] or "global"] for level in LEVELS]


def features(rates: tuple[float, ...], state: OrderState) -> list[float]:
    """Every feature, in FEATURES order: rate differences, then the order's state."""
    return rate_features(rates) + state_features(state)
