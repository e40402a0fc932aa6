"""AUC, Brier, precision at the top and the reliability table on cases worked out by hand."""

from __future__ import annotations

import math

import pytest

from bot.services.risk.metrics import auc, brier, precision_at, reliability


def test_auc_perfect_ranking_is_one() -> None:
    scores = [0.1, 0.2, 0.8, 0.9]

    result = auc(scores, [False, False, True, True])

    assert result == 1.0


def test_auc_reversed_ranking_is_zero() -> None:
    assert auc([0.9, 0.8, 0.2, 0.1], [False, False, True, True]) == 0.0


def test_auc_all_tied_is_one_half() -> None:
    assert auc([0.3, 0.3, 0.3, 0.3], [True, False, True, False]) == 0.5


def test_auc_ties_between_classes_count_one_half() -> None:
    # Pairs (late, on time): (0.5, 0.5) tie = 1/2, (0.5, 0.1) = 1, (0.9, 0.5) = 1, (0.9, 0.1) = 1.
    scores = [0.5, 0.9, 0.5, 0.1]
    labels = [True, True, False, False]

    result = auc(scores, labels)

    assert result == pytest.approx(3.5 / 4)


def test_auc_one_class_only_is_nan() -> None:
    assert math.isnan(auc([0.1, 0.2], [True, True]))


def test_brier_of_known_probabilities() -> None:
    # (0.8 - 1)^2 + (0.3 - 0)^2 = 0.04 + 0.09, averaged over two.
    assert brier([0.8, 0.3], [True, False]) == pytest.approx(0.065)


def test_brier_perfect_is_zero() -> None:
    assert brier([1.0, 0.0], [True, False]) == 0.0


def test_precision_at_takes_the_top_tenth() -> None:
    scores = [i / 20 for i in range(20)]  # the top 10% are the last two
    labels = [False] * 18 + [True, False]

    result = precision_at(scores, labels, 0.10)

    assert result == 0.5


def test_reliability_splits_into_equal_bands() -> None:
    scores = [i / 100 for i in range(100)]
    labels = [i >= 90 for i in range(100)]

    table = reliability(scores, labels)

    assert [band.count for band in table] == [10] * 10
    assert table[-1].observed == 1.0
    assert table[0].observed == 0.0
    assert table[0].predicted == pytest.approx(0.045)
