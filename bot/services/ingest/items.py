"""One pushed or pulled record into an OrderInput; batches applied in order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.services.ingest.order_fields import (
    ALL_FIELDS,
    FieldProblem,
    RecordReader,
    kind_of,
    text_of,
)
from bot.services.ingest.order_writer import OrderChange, OrderInput, OrderWriter
from bot.services.ingest.values import ValueProblem

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


def read_patch(
    reader: RecordReader, order_id: str, body: Any, origin: str
) -> OrderInput | list[FieldProblem]:
    """A partial change of one stored order: any canonical fields, none of them required."""
    if not isinstance(body, dict):
        kind = "null" if body is None else kind_of(body)
        return [FieldProblem("(body)", f"a change must be a JSON object, not {kind}")]
    problems = [
        FieldProblem(str(name), f"unknown field (the fields are: {_FIELD_LIST})")
        for name in body
        if name not in ALL_FIELDS
    ]
    problems += _other_id(order_id, body.get("order_id"))
    result = reader.read(body | {"order_id": order_id}, origin, required=())
    if isinstance(result, list):
        return problems + [p for p in result if p.field != "order_id"]
    if problems:
        return problems
    if not result.fields:
        reason = 'names no field to change (null and "" change nothing)'
        return [FieldProblem("(body)", reason)]
    return result


def _other_id(order_id: str, stated: Any) -> list[FieldProblem]:
    try:
        text = text_of("order_id", stated)
    except ValueProblem as exc:
        return [FieldProblem("order_id", str(exc))]
    if text and text != order_id:
        reason = f"{text!r} is not the order in the URL ({order_id!r}); an order id cannot change"
        return [FieldProblem("order_id", reason)]
    return []


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
