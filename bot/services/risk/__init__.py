"""Delay risk: how likely an open order is to be filled late, and why, learnt from closed orders.

Pure Python, no database: callers load `ClosedOrder`/`OpenOrder` rows, `fit` a `RiskModel`
(stored with `encode`, read back with `decode`), and `score` open orders with a probability and
reason sentences.
"""

from bot.services.risk.backtest import (
    Report,
    backtest,
    backtest_by_year,
    format_report,
    format_years,
)
from bot.services.risk.history import ClosedOrder, OpenOrder
from bot.services.risk.model import NotEnoughHistory, Params, RiskModel, Score, fit
from bot.services.risk.rates import Priors

__all__ = [
    "ClosedOrder",
    "NotEnoughHistory",
    "OpenOrder",
    "Params",
    "Priors",
    "Report",
    "RiskModel",
    "Score",
    "backtest",
    "backtest_by_year",
    "decode",
    "encode",
    "fit",
    "format_report",
    "format_years",
]
