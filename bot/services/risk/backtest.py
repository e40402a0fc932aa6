"""Time-split backtests: fit as of a day, score the orders due after it, compare with baselines."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.services.risk.baseline import fit_baseline
from bot.services.risk.history import ClosedOrder, as_open
from bot.services.risk.metrics import Bin, auc, brier, precision_at, reliability
from bot.services.risk.model import Params, RiskModel, fit


@dataclass(frozen=True, slots=True)
class Quality:
    """How one predictor did on the test orders."""

    auc: float
    brier: float
    precision_top10: float
    reliability: list[Bin]


@dataclass(frozen=True, slots=True)
class Report:
    """One backtest: the split, the model against the baseline and the constant, and timings."""

    until: date
    test_end: date | None
    train_rows: int
    test_rows: int
    train_late_rate: float
    test_late_rate: float
    model: Quality
    baseline: Quality
    constant_brier: float
    fit_seconds: float
    score_seconds: float


def _quality(scores: list[float], labels: list[bool]) -> Quality:
    return Quality(
        auc(scores, labels),
        brier(scores, labels),
        precision_at(scores, labels),
        reliability(scores, labels),
    )


def scoring_day(order: ClosedOrder, until: date, model: RiskModel) -> date:
    """The first day a model fitted at `until` sees the order: `until`, or its order date."""
    placed = order.ordered_at or order.due - timedelta(model.lead_days)
    return min(max(placed, until), order.due)


def _baseline(
    past: list[ClosedOrder], tests: list[ClosedOrder], until: date, model: RiskModel
) -> list[float]:
    """The supplier baseline's probabilities, with the model's half-life and supplier prior."""
    baseline = fit_baseline(past, until, model.params.half_life_days, model.priors.supplier)
    return [baseline.probability(as_open(order)) for order in tests]


def backtest(
    history_rows: Sequence[ClosedOrder],
    until: date,
    test_end: date | None = None,
    params: Params | None = None,
) -> Report:
    """Fit on what was known at `until`; score the orders due from `until` to `test_end`."""
    past = [order for order in history_rows if order.due < until]
    tests = [o for o in history_rows if o.due >= until and (test_end is None or o.due < test_end)]
    started = time.perf_counter()
    model = fit(past, until, params)
    fitted = time.perf_counter()
    scores = [model.score(as_open(o), scoring_day(o, until, model)).probability for o in tests]
    scored = time.perf_counter()
    labels = [order.late for order in tests]
    constant = model.metrics["late_rate"]
    return Report(
        until=until,
        test_end=test_end,
        train_rows=model.rows,
        test_rows=len(tests),
        train_late_rate=constant,
        test_late_rate=sum(labels) / len(labels) if labels else float("nan"),
        model=_quality(scores, labels),
        baseline=_quality(_baseline(past, tests, until, model), labels),
        constant_brier=brier([constant] * len(tests), labels),
        fit_seconds=fitted - started,
        score_seconds=scored - fitted,
    )


def backtest_by_year(
    history_rows: Sequence[ClosedOrder], years: Sequence[int], params: Params | None = None
) -> list[Report]:
    """One backtest per year: fit as of 1 January, score the orders due that year."""
    return [backtest(history_rows, date(y, 1, 1), date(y + 1, 1, 1), params) for y in years]


def _window(report: Report) -> str:
    end = report.test_end.isoformat() if report.test_end else "end"
    return f"{report.until.isoformat()} .. {end}"


def format_report(report: Report) -> str:
    """A plain-text report: headline figures, then the reliability table."""
    model, baseline = report.model, report.baseline
    lines = [
        f"Backtest: trained on {report.train_rows} orders due before {report.until}, "
        f"tested on {report.test_rows} due {_window(report)}",
        f"Late rate: training {report.train_late_rate:.3f}, test {report.test_late_rate:.3f}",
        f"{'':22}{'AUC':>7}{'Brier':>8}{'Prec@10%':>10}",
        f"{'model':22}{model.auc:7.3f}{model.brier:8.4f}{model.precision_top10:10.3f}",
        f"{'supplier baseline':22}{baseline.auc:7.3f}{baseline.brier:8.4f}"
        f"{baseline.precision_top10:10.3f}",
        f"{'constant (train rate)':22}{0.5:7.3f}{report.constant_brier:8.4f}",
        f"Fit {report.fit_seconds:.2f} s, scoring {report.score_seconds:.2f} s",
        "Reliability (model, deciles): predicted  observed  count",
    ]
    lines += [f"  {b.predicted:18.3f}{b.observed:10.3f}{b.count:7d}" for b in model.reliability]
    return "\n".join(lines)


def format_years(reports: Sequence[Report]) -> str:
    """One line per yearly backtest (model, constant, baseline), then the mean AUCs."""
    head = f"{'year':6}{'rows':>6}{'late':>7}{'AUC':>7}{'Brier':>8}{'const':>8}"
    lines = [head + f"{'base AUC':>10}{'base Brier':>11}"]
    for r in reports:
        lines.append(
            f"{r.until.year:<6}{r.test_rows:6d}{r.test_late_rate:7.3f}{r.model.auc:7.3f}"
            f"{r.model.brier:8.4f}{r.constant_brier:8.4f}{r.baseline.auc:10.3f}"
            f"{r.baseline.brier:11.4f}"
        )
    mean_model = sum(r.model.auc for r in reports) / len(reports)
    mean_base = sum(r.baseline.auc for r in reports) / len(reports)
    lines.append(f"mean AUC: model {mean_model:.4f}, baseline {mean_base:.4f}")
    return "\n".join(lines)
