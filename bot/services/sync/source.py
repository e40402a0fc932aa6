"""What the sync needs from an upstream (an adapter in bot.integrations provides it), and how
its records map onto the canonical order fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.services.core.errors import BacklogError
from bot.services.ingest.order_fields import ALL_FIELDS, FieldProblem, RecordReader, ValueFormat
from bot.services.ingest.order_writer import OrderInput
from storage.orders.tables import OrderStatus


class SourceFailed(BacklogError):
    """The upstream could not give a page (after retries); the message says why."""


@dataclass(frozen=True)
class SourcePage:
    """One page of changed records and the token of the next page (None: the last page)."""

    records: list[Any]
    next_page: str | None


class OrderSource(Protocol):
    """An upstream order system that lists orders changed since a moment, page by page."""

    async def fetch_page(self, since: datetime | None, page: str | None) -> SourcePage:
        """The page after token `page` (the first page when None); raises SourceFailed."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class MappingProblem(BacklogError, ValueError):
    """UPSTREAM_MAP names a field that does not exist."""


@dataclass(frozen=True)
class RecordMapping:
    """Where each canonical field sits in an upstream record, like the import's --map.

    Keys are record keys, or dotted paths into nested objects (`customer.name`); fields not
    mapped are read from the key of their own name. `status_map` is the import's --status.
    """

    fields: Mapping[str, str] = field(default_factory=dict)
    status_map: Mapping[str, OrderStatus] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.fields) - set(ALL_FIELDS))
        if unknown:
            raise MappingProblem(
                f"unknown field(s) {', '.join(unknown)}; fields are: {', '.join(ALL_FIELDS)}"
            )

    def reader(self, fmt: ValueFormat) -> RecordReader:
        return RecordReader(ValueFormat(fmt.date_order, fmt.timezone, self.status_map))

    def extract(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The record's values by canonical field name (None where it has none)."""
        return {name: _at(record, self.fields.get(name, name)) for name in ALL_FIELDS}


def read_record(
    mapping: RecordMapping, reader: RecordReader, record: Any, origin: str
) -> OrderInput | list[FieldProblem]:
    """One upstream record as an order input, or what is wrong with it."""
    if not isinstance(record, dict):
        return [FieldProblem("(record)", "a record must be a JSON object")]
    return reader.read(mapping.extract(record), origin)


def _at(record: Mapping[str, Any], path: str) -> Any:
    if path in record:
        return record[path]
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value
