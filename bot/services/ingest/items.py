"""One pushed or pulled record into an OrderInput; batches applied in order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.services.ingest.order_fields import ALL_FIELDS, FieldProblem, RecordReader, kind_of
from bot.services.ingest.order_writer import OrderChange, OrderInput, OrderWriter

_FIELD_LIST = ", ".join(ALL_FIELDS)


def read_item(reader: RecordReader, item: Any, origin: str) -> OrderInput | list[FieldProblem]:
    """An API item: a JSON object of canonical fields, and nothing else."""
    if not isinstance(item, dict):
        kind = "null" if item is None else kind_of(item)
        return [FieldProblem("(item)", f"an order must be a JSON object, not {kind}")]
    unknown = [
        FieldProblem(str(name), f"unknown field (the fields are: {_FIELD_LIST})")
        for name in item
        if name not in ALL_FIELDS
    ]
    result = reader.read(item, origin)
    if isinstance(result, list):
        return unknown + result
    return unknown or result


async def apply_in_order(writer: OrderWriter, inputs: Sequence[OrderInput]) -> list[OrderChange]:
    """Apply inputs as if one by one: an id seen again starts a new batch (the later one wins)."""
    changes: list[OrderChange] = []
    pending: dict[str, OrderInput] = {}
    for item in inputs:
        if item.external_id in pending:
            changes.extend(await writer.apply(list(pending.values())))
            pending.clear()
        pending[item.external_id] = item
    if pending:
        changes.extend(await writer.apply(list(pending.values())))
    return changes
