"""A small weighted L2 logistic regression fit by Newton's method, in pure Python."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import mul

Column = Sequence[float]
# exp() overflows past about 709; a margin of 35 already means p = 1 - 6e-16.
_MAX_MARGIN = 35.0
_TOLERANCE = 1e-6
_MAX_STEP = 2.0  # on standardised coefficients: a large effect already
_REFRESH = 0.05  # recompute the Hessian until steps are this small, then keep it


@dataclass(frozen=True, slots=True)
class LogisticFit:
    """Coefficients on the raw feature scale, with the training means (for reasons)."""

    intercept: float
    coefs: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]

    def margin(self, row: Sequence[float]) -> float:
        """The log-odds for one feature row."""
        return self.intercept + math.fsum(map(mul, self.coefs, row))


def sigmoid(margin: float) -> float:
    """The logistic function, safe for any margin."""
    margin = min(max(margin, -_MAX_MARGIN), _MAX_MARGIN)
    return 1.0 / (1.0 + math.exp(-margin))


def _moments(column: Column, weights: Column, total: float) -> tuple[float, float]:
    mean = sum(map(mul, column, weights)) / total
    spread = sum(w * (x - mean) ** 2 for x, w in zip(column, weights, strict=True)) / total
    return mean, math.sqrt(spread) if spread > 1e-12 else 1.0


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Solve a small symmetric positive-definite system by Gaussian elimination."""
    size = len(vector)
    rows = [[*matrix[i], vector[i]] for i in range(size)]
    for pivot in range(size):
        best = max(range(pivot, size), key=lambda r: abs(rows[r][pivot]))
        rows[pivot], rows[best] = rows[best], rows[pivot]
        head = rows[pivot]
        for r in range(pivot + 1, size):
            factor = rows[r][pivot] / head[pivot]
            rows[r] = [a - factor * b for a, b in zip(rows[r], head, strict=True)]
    solution = [0.0] * size
    for i in reversed(range(size)):
        tail = sum(rows[i][j] * solution[j] for j in range(i + 1, size))
        solution[i] = (rows[i][size] - tail) / rows[i][i]
    return solution


def _margins(columns: list[list[float]], beta: list[float], size: int) -> list[float]:
    margins = [beta[0]] * size
    for coef, column in zip(beta[1:], columns, strict=True):
        margins = [m + coef * x for m, x in zip(margins, column, strict=True)]
    return margins


def _gradient(
    columns: list[list[float]], y: Column, w: Column, beta: list[float], l2: list[float]
) -> tuple[list[float], list[float]]:
    """The penalised log-likelihood's gradient, and each row's curvature w * p * (1 - p)."""
    probs = [sigmoid(m) for m in _margins(columns, beta, len(y))]
    residual = [wi * (yi - p) for wi, yi, p in zip(w, y, probs, strict=True)]
    gradient = [sum(residual)]  # the intercept is not shrunk
    gradient += [
        sum(map(mul, residual, column)) - penalty * b
        for column, penalty, b in zip(columns, l2, beta[1:], strict=True)
    ]
    return gradient, [wi * p * (1.0 - p) for wi, p in zip(w, probs, strict=True)]


def _hessian(
    columns: list[list[float]], curvature: list[float], l2: list[float]
) -> list[list[float]]:
    """The negative Hessian: the design's cross-products weighted by curvature, plus the penalty."""
    design = [[1.0] * len(curvature), *columns]
    penalty = [0.0, *l2]
    hessian = [[0.0] * len(design) for _ in design]
    for j, left in enumerate(design):
        weighted = list(map(mul, curvature, left))
        for k in range(j, len(design)):
            hessian[j][k] = hessian[k][j] = sum(map(mul, weighted, design[k]))
        hessian[j][j] += penalty[j]
    return hessian


def _newton(
    columns: list[list[float]],
    y: Column,
    w: Column,
    beta: list[float],
    l2: list[float],
    steps: int,
) -> list[float]:
    """Newton's method; near the optimum it keeps the last Hessian (each step then costs ~1/8)."""
    hessian: list[list[float]] | None = None
    longest = math.inf
    for _ in range(steps):
        gradient, curvature = _gradient(columns, y, w, beta, l2)
        if hessian is None or longest > _REFRESH:
            hessian = _hessian(columns, curvature, l2)
        step = _solve(hessian, gradient)
        longest = max(abs(s) for s in step)
        # Plain Newton can overshoot far from the optimum; a capped step keeps every move sane.
        shrink = _MAX_STEP / longest if longest > _MAX_STEP else 1.0
        beta = [b + shrink * s for b, s in zip(beta, step, strict=True)]
        if longest < _TOLERANCE:
            break
    return beta


def _negative(beta: list[float], active: list[int], positive: Sequence[bool]) -> set[int]:
    """The constrained active columns whose coefficient came out negative."""
    return {j for n, j in enumerate(active) if positive[j] and beta[1 + n] < 0}


def _fit_active(
    scaled: list[list[float]],
    y: Column,
    weights: Column,
    l2: Sequence[float],
    iterations: int,
    positive: Sequence[bool],
) -> list[float]:
    """Coefficients per scaled column (0 for dropped ones), intercept first."""
    base = min(max(sum(map(mul, y, weights)) / sum(weights), 1e-6), 1.0 - 1e-6)
    # A constant column (no slips anywhere, say) gets coefficient 0 without slowing Newton down.
    active = [j for j, column in enumerate(scaled) if column and max(column) > min(column)]
    beta = [math.log(base / (1.0 - base))] + [0.0] * len(active)
    while True:
        penalties = [l2[j] for j in active]
        beta = _newton([scaled[j] for j in active], y, weights, beta, penalties, iterations)
        dropped = _negative(beta, active, positive)
        if not dropped:
            break
        # Warm start from the other coefficients: the capped steps keep it from overshooting.
        beta = [beta[0]] + [b for b, j in zip(beta[1:], active, strict=True) if j not in dropped]
        active = [j for j in active if j not in dropped]
    full = [beta[0]] + [0.0] * len(scaled)
    for n, j in enumerate(active):
        full[1 + j] = beta[1 + n]
    return full


def fit_logistic(
    columns: Sequence[Column],
    y: Column,
    weights: Column,
    l2: Sequence[float],
    iterations: int,
    positive: Sequence[bool] = (),
) -> LogisticFit:
    """Weighted logistic regression, one L2 penalty per column on its standardised coefficient.

    Columns flagged in `positive` must not get a negative coefficient: those that do are dropped
    (coefficient 0) and the rest refitted, until none is negative.
    """
    total = sum(weights)
    means, scales = zip(*(_moments(column, weights, total) for column in columns), strict=True)
    # Plain lists, not arrays: map() over a list skips boxing every float (about 25% faster).
    scaled = [
        [(x - mean) / scale for x in column]
        for column, mean, scale in zip(columns, means, scales, strict=True)
    ]
    flags = list(positive) or [False] * len(columns)
    beta = _fit_active(scaled, y, weights, l2, iterations, flags)
    coefs = tuple(b / scale for b, scale in zip(beta[1:], scales, strict=True))
    intercept = beta[0] - sum(c * mean for c, mean in zip(coefs, means, strict=True))
    return LogisticFit(intercept, coefs, tuple(means), tuple(scales))
