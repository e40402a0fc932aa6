"""Backtests: the split by due date, the baseline beside the model, the printed report."""

from __future__ import annotations

from datetime import date

from bot.services.risk.backtest import backtest, backtest_by_year, format_report, format_years
from bot.services.risk.baseline import fit_baseline
from bot.services.risk.history import ClosedOrder
from tests.services.risk.factories import late_every, make_open

START = date(2023, 1, 1)


def _history() -> list[ClosedOrder]:
    return late_every("Slow Co", 2, 500, START) + late_every("Swift Ltd", 10, 500, START)


def test_backtest_tests_only_orders_due_from_the_split() -> None:
    report = backtest(_history(), date(2024, 1, 1))

    assert report.train_rows == 2 * 365
    assert report.test_rows == 2 * (500 - 365)


def test_backtest_model_ranks_like_the_supplier_record() -> None:
    report = backtest(_history(), date(2024, 1, 1))

    assert report.model.auc > 0.7
    assert report.baseline.auc > 0.7
    assert report.model.brier < report.constant_brier


def test_backtest_report_prints_model_baseline_and_constant() -> None:
    text = format_report(backtest(_history(), date(2024, 1, 1)))

    assert "model" in text
    assert "supplier baseline" in text
    assert "constant (train rate)" in text
    assert "Reliability" in text


def test_backtest_by_year_prints_one_line_per_year_and_the_mean() -> None:
    reports = backtest_by_year(
        late_every("Slow Co", 2, 1000, START) + late_every("Swift Ltd", 10, 1000, START),
        [2024, 2025],
    )

    text = format_years(reports)

    assert [r.until for r in reports] == [date(2024, 1, 1), date(2025, 1, 1)]
    assert text.splitlines()[1].startswith("2024")
    assert text.splitlines()[-1].startswith("mean AUC: model")


def test_baseline_shrinks_a_supplier_towards_the_global_rate() -> None:
    baseline = fit_baseline(_history(), date(2024, 1, 1), strength=2.0)

    slow = baseline.probability(make_open(supplier="Slow Co"))
    unknown = baseline.probability(make_open(supplier="Nobody"))

    assert slow > unknown == baseline.base_rate
