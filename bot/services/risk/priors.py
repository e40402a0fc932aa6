"""Empirical-Bayes prior strengths: how far each level's keys really differ from their parent."""

from __future__ import annotations

from collections.abc import Sequence

from bot.services.risk.levels import LEVELS, PARENTS
from bot.services.risk.rates import Outcome, Priors

# A level whose keys barely differ would get an enormous prior (its rates all equal the parent's);
# one whose keys differ wildly, a tiny one. Both ends are clamped to stay sensible on little data.
_MIN_STRENGTH = 0.5
_MAX_STRENGTH = 1000.0


Tally = dict[str, list[int]]  # key -> [orders, late]


def _tallies(outcomes: Sequence[Outcome]) -> list[Tally]:
    """Per level, key -> [orders, late]."""
    tallies: list[Tally] = [{} for _ in LEVELS]
    for outcome in outcomes:
        late = 1 if outcome.late else 0
        for table, key in zip(tallies, outcome.keys, strict=True):
            counts = table.setdefault(key, [0, 0])
            counts[0] += 1
            counts[1] += late
    return tallies


def _centres(level: int, outcomes: Sequence[Outcome], tallies: list[Tally]) -> dict[str, float]:
    """Each key's parent rate: the global rate, or its supplier's rate for a compound level."""
    parent = PARENTS[LEVELS[level]]
    overall = sum(1 for outcome in outcomes if outcome.late) / len(outcomes)
    if parent is None:
        return dict.fromkeys(tallies[level], overall)
    above = LEVELS.index(parent)
    centres: dict[str, float] = {}
    for outcome in outcomes:
        n, late = tallies[above][outcome.keys[above]]
        centres[outcome.keys[level]] = late / n
    return centres


def _strength(tally: Tally, centres: dict[str, float], overall: float) -> float:
    """Method of moments for a Beta prior centred on each key's parent rate."""
    spread = noise = weight = 0.0
    for key, (n, late) in tally.items():
        centre = centres[key]
        spread += n * (late / n - centre) ** 2
        noise += centre * (1.0 - centre)
        weight += n
    variance = (spread - noise) / weight  # between-key variance of the true rates
    typical = overall * (1.0 - overall)
    if variance <= typical / _MAX_STRENGTH:
        return _MAX_STRENGTH
    return min(max(typical / variance - 1.0, _MIN_STRENGTH), _MAX_STRENGTH)


def estimate_priors(outcomes: Sequence[Outcome]) -> Priors:
    """Prior strengths per level from how much its keys' late rates vary beyond chance."""
    tallies = _tallies(outcomes)
    overall = sum(1 for outcome in outcomes if outcome.late) / len(outcomes)
    strengths = [
        _strength(tallies[level], _centres(level, outcomes, tallies), overall)
        for level in range(len(LEVELS))
    ]
    return Priors(*strengths)
