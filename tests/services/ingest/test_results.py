"""What a batch did, item by item: the verdict and the stored form that replays it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.services.ingest.order_fields import FieldProblem
from bot.services.ingest.order_writer import Outcome
from bot.services.ingest.results import IngestResult, ItemResult, Verdict


def item(index: int, outcome: Outcome, **overrides: Any) -> ItemResult:
    values: dict[str, Any] = {"index": index, "order_id": f"SO-{index}", "outcome": outcome}
    values.update(overrides)
    return ItemResult(**values)


def batch(*outcomes: Outcome) -> IngestResult:
    return IngestResult(tuple(item(n, outcome) for n, outcome in enumerate(outcomes)))


@pytest.mark.parametrize(
    "outcome", [Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.STALE]
)
def test_item_landed_unless_rejected(outcome: Outcome):
    assert item(0, outcome).landed
    assert not item(0, Outcome.REJECTED).landed


@pytest.mark.parametrize(
    ("outcomes", "verdict"),
    [
        ((Outcome.CREATED, Outcome.STALE, Outcome.UNCHANGED), Verdict.ACCEPTED),
        ((Outcome.CREATED, Outcome.REJECTED), Verdict.PARTIAL),
        ((Outcome.REJECTED, Outcome.REJECTED), Verdict.REJECTED),
    ],
)
def test_batch_verdict_says_how_many_items_landed(outcomes: tuple[Outcome, ...], verdict: Verdict):
    assert batch(*outcomes).verdict is verdict


def test_batch_counts_items_by_outcome():
    result = batch(Outcome.CREATED, Outcome.CREATED, Outcome.REJECTED)

    assert (result.count(Outcome.CREATED), result.count(Outcome.REJECTED)) == (2, 1)
    assert result.count(Outcome.UPDATED) == 0


def test_batch_round_trips_through_json_and_remembers_it_was_replayed():
    original = IngestResult(
        (
            item(0, Outcome.UPDATED, changed=("current_eta", "status")),
            item(
                1, Outcome.REJECTED, order_id=None, problems=(FieldProblem("customer", "missing"),)
            ),
            item(2, Outcome.STALE, note="older than the stored order"),
        )
    )

    stored = original.to_json()
    replayed = IngestResult.from_json(stored, replayed=True)

    assert stored["items"][1] == {
        "index": 1,
        "order_id": None,
        "outcome": "rejected",
        "changed": [],
        "problems": [{"field": "customer", "reason": "missing"}],
        "note": None,
    }
    assert replayed == original  # `replayed` is not part of equality
    assert replayed.replayed and not original.replayed
