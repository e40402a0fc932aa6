"""Turn CSV records into order inputs: column mapping, constants and per-cell validation."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from decimal import Decimal
from typing import Any

from bot.services.importer.values import (
    DateOrder,
    ValueProblem,
    parse_currency,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_email,
    parse_owner,
    parse_status,
    status_key,
)
from bot.services.order_writer import DESCRIPTIVE_FIELDS, OrderInput
from storage.models import OrderStatus

REQUIRED_FIELDS = ("order_id", "customer", "ordered_at", "promised_date")
OPTIONAL_FIELDS = (*DESCRIPTIVE_FIELDS, "status", "eta", "updated_at")
ALL_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
_TEXT_LIMITS = {"order_id": 128, "customer": 255, "team": 128, "sku": 128, "supplier": 255}


class MappingProblem(ValueError):
    """The header, --map, --set or --status options do not fit together."""


@dataclass(frozen=True)
class ImportOptions:
    """How to read one file."""

    mapping: Mapping[str, str] = field(default_factory=dict)  # field -> column
    constants: Mapping[str, str] = field(default_factory=dict)  # field -> value for every row
    status_map: Mapping[str, OrderStatus] = field(default_factory=dict)  # export value -> status
    date_order: DateOrder = DateOrder.MDY
    timezone: tzinfo = UTC
    encoding: str = "auto"
    dry_run: bool = False
    strict: bool = False
    chunk_size: int = 1000


@dataclass(frozen=True)
class RowProblem:
    """One cell (or row) that could not be read."""

    line: int
    column: str
    reason: str
    order_id: str | None = None


_Parser = Callable[[str], Any]


class RowReader:
    """Reads records of one file's header into OrderInputs."""

    def __init__(self, header: list[str], options: ImportOptions, origin: str) -> None:
        self._width = len(header)
        self._origin = origin
        self._parsers = _parsers(options)
        self.columns = resolve_columns(header, options)
        self._constants = self._parse_constants(options.constants)

    def read(self, line: int, cells: list[str]) -> OrderInput | list[RowProblem]:
        """The order this record states, or every problem found in it."""
        if len(cells) > self._width and any(c.strip() for c in cells[self._width :]):
            reason = f"the row has {len(cells)} cells but the header has {self._width}"
            return [RowProblem(line, "(row)", reason)]
        values: dict[str, Any] = dict(self._constants)
        problems: list[RowProblem] = []
        for name, (index, column) in self.columns.items():
            raw = cells[index].strip() if index < len(cells) else ""
            if not raw:
                if name in REQUIRED_FIELDS:
                    problems.append(RowProblem(line, _label(column, name), "required, but empty"))
                continue
            try:
                values[name] = self._parsers[name](raw)
            except ValueProblem as exc:
                problems.append(RowProblem(line, _label(column, name), str(exc)))
        order_id = values.pop("order_id", None)
        if problems:
            return [RowProblem(p.line, p.column, p.reason, order_id) for p in problems]
        return OrderInput(order_id, values, origin=f"{self._origin} line {line}")

    def _parse_constants(self, constants: Mapping[str, str]) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        for name, raw in constants.items():
            try:
                parsed[name] = self._parsers[name](raw)
            except ValueProblem as exc:
                raise MappingProblem(f"--set {name}={raw}: {exc}") from exc
        return parsed


def resolve_columns(header: list[str], options: ImportOptions) -> dict[str, tuple[int, str]]:
    """Field -> (column index, column name): explicit --map first, then canonical names."""
    for name in (*options.mapping, *options.constants):
        if name not in ALL_FIELDS:
            raise MappingProblem(f"unknown field {name!r}; fields are: {', '.join(ALL_FIELDS)}")
    both = set(options.mapping) & set(options.constants)
    if both:
        raise MappingProblem(f"{', '.join(sorted(both))}: give either --map or --set, not both")
    by_key = {_key(column): index for index, column in reversed(list(enumerate(header)))}
    columns: dict[str, tuple[int, str]] = {}
    for name in ALL_FIELDS:
        if name in options.constants:
            continue
        wanted = options.mapping.get(name, name)
        index = by_key.get(_key(wanted))
        if index is not None:
            columns[name] = (index, header[index])
        elif name in options.mapping:
            raise MappingProblem(
                f"--map {name}={wanted}: no column {wanted!r}; the columns are: {', '.join(header)}"
            )
    _require(columns, options, header)
    return columns


def _require(columns: Mapping[str, Any], options: ImportOptions, header: list[str]) -> None:
    missing = [n for n in REQUIRED_FIELDS if n not in columns and n not in options.constants]
    if missing:
        hints = " ".join(f"--map {name}=COLUMN" for name in missing)
        raise MappingProblem(
            f"missing required column(s) {', '.join(missing)}: add {hints}; "
            f"the columns are: {', '.join(header)}"
        )


def _key(column: str) -> str:
    return re.sub(r"[\s_\-]+", "_", column.strip().lower())


def _label(column: str, name: str) -> str:
    return column if _key(column) == name else f"{column} ({name})"


def _parsers(options: ImportOptions) -> dict[str, _Parser]:
    order, zone = options.date_order, options.timezone
    extra = {status_key(k): v for k, v in options.status_map.items()}
    parsers: dict[str, _Parser] = {
        "ordered_at": lambda raw: parse_datetime(raw, order, zone),
        "updated_at": lambda raw: parse_datetime(raw, order, zone),
        "promised_date": lambda raw: parse_date(raw, order),
        "eta": lambda raw: parse_date(raw, order),
        "quantity": lambda raw: parse_decimal(raw).quantize(Decimal("0.001")),
        "value": lambda raw: parse_decimal(raw).quantize(Decimal("0.01")),
        "currency": parse_currency,
        "customer_email": parse_email,
        "owner": parse_owner,
        "status": lambda raw: parse_status(raw, extra),
    }
    for name in ("order_id", "customer", "team", "sku", "product", "supplier"):
        parsers[name] = _text_parser(name)
    return parsers


def _text_parser(name: str) -> _Parser:
    limit = _TEXT_LIMITS.get(name)

    def parse(raw: str) -> str:
        if limit is not None and len(raw) > limit:
            raise ValueProblem(f"longer than {limit} characters ({len(raw)})")
        return raw

    return parse
