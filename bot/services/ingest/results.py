"""What a batch did, item by item: stored with an idempotency key and replayed from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.services.ingest.order_fields import FieldProblem
from bot.services.ingest.order_writer import Outcome


class Verdict(StrEnum):
    """The batch as a whole."""

    ACCEPTED = "accepted"  # every item landed (created, updated, unchanged or stale)
    PARTIAL = "partial"  # some items landed, the others were rejected
    REJECTED = "rejected"  # no item landed


@dataclass(frozen=True)
class ItemResult:
    """One item: its position in the batch, its order id and what happened to it."""

    index: int
    order_id: str | None
    outcome: Outcome
    changed: tuple[str, ...] = ()  # the fields an update changed
    problems: tuple[FieldProblem, ...] = ()  # why it was rejected
    note: str | None = None  # why a stale item was skipped

    @property
    def landed(self) -> bool:
        return self.outcome is not Outcome.REJECTED

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "order_id": self.order_id,
            "outcome": self.outcome.value,
            "changed": list(self.changed),
            "problems": [{"field": p.field, "reason": p.reason} for p in self.problems],
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemResult:
        return cls(
            index=data["index"],
            order_id=data["order_id"],
            outcome=Outcome(data["outcome"]),
            changed=tuple(data["changed"]),
            problems=tuple(FieldProblem(p["field"], p["reason"]) for p in data["problems"]),
            note=data["note"],
        )


@dataclass(frozen=True)
class IngestResult:
    """Every item's result, in the order the items came; `replayed` when from a stored key."""

    items: tuple[ItemResult, ...]
    replayed: bool = field(default=False, compare=False)

    @property
    def verdict(self) -> Verdict:
        landed = sum(item.landed for item in self.items)
        if landed == len(self.items):
            return Verdict.ACCEPTED
        return Verdict.PARTIAL if landed else Verdict.REJECTED

    def count(self, outcome: Outcome) -> int:
        return sum(item.outcome is outcome for item in self.items)

    def to_json(self) -> dict[str, Any]:
        return {"items": [item.to_json() for item in self.items]}

    @classmethod
    def from_json(cls, data: dict[str, Any], *, replayed: bool = False) -> IngestResult:
        return cls(tuple(ItemResult.from_json(item) for item in data["items"]), replayed=replayed)
