"""Turn CSV records into order inputs: column mapping, constants and per-cell validation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import Any

from bot.services.core.errors import BacklogError
from bot.services.ingest.csv_import.file_kind import OptionProblem
from bot.services.ingest.order_fields import (
    ALL_FIELDS,
    REQUIRED_FIELDS,
    FieldParsers,
    ValueFormat,
)
from bot.services.ingest.order_writer import OrderInput
from bot.services.ingest.values import DateOrder, ValueProblem
from storage.orders.tables import OrderStatus


class MappingProblem(BacklogError, ValueError):
    """The header, --map, --set or --status options do not fit together."""


class BadMapping(MappingProblem, OptionProblem):
    """A --map or --set option that cannot be used: unknown field, bad value, no such column."""


@dataclass(frozen=True)
class ImportOptions:
    """How to read one file."""

    mapping: Mapping[str, str] = field(default_factory=dict)  # field -> column
    constants: Mapping[str, str] = field(default_factory=dict)  # field -> value for every row
    status_map: Mapping[str, OrderStatus] = field(default_factory=dict)  # export value -> status
    date_order: DateOrder = DateOrder.MDY
    timezone: tzinfo = UTC
    encoding: str = "auto"
    delimiter: str | None = None  # None: sniffed from the header row
    sheet: str | None = None  # a workbook's sheet; None: the first
    decimal_comma: bool = False  # numbers such as 1.200,50 and 12,5
    dry_run: bool = False
    strict: bool = False
    chunk_size: int = 1000

    @property
    def value_format(self) -> ValueFormat:
        return ValueFormat(self.date_order, self.timezone, self.status_map, self.decimal_comma)


@dataclass(frozen=True)
class RowProblem:
    """One cell (or row) that could not be read."""

    line: int
    column: str
    reason: str
    order_id: str | None = None


class RowReader:
    """Reads records of one file's header into OrderInputs."""

    def __init__(self, header: list[str], options: ImportOptions, origin: str) -> None:
        self._width = len(header)
        self._origin = origin
        self._parsers = FieldParsers(options.value_format)
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
                values[name] = self._parsers.parse(name, raw)
            except ValueProblem as exc:
                problems.append(RowProblem(line, _label(column, name), _hinted(exc, raw)))
        order_id = values.pop("order_id", None)
        if problems:
            return [RowProblem(p.line, p.column, p.reason, order_id) for p in problems]
        return OrderInput(order_id, values, origin=f"{self._origin} line {line}")

    def _parse_constants(self, constants: Mapping[str, str]) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        for name, raw in constants.items():
            try:
                parsed[name] = self._parsers.parse(name, raw)
            except ValueProblem as exc:
                raise BadMapping(f"--set {name}={raw}: {exc}") from exc
        return parsed


def resolve_columns(header: list[str], options: ImportOptions) -> dict[str, tuple[int, str]]:
    """Field -> (column index, column name): explicit --map first, then canonical names."""
    for name in (*options.mapping, *options.constants):
        if name not in ALL_FIELDS:
            raise BadMapping(f"unknown field {name!r}; fields are: {', '.join(ALL_FIELDS)}")
    both = set(options.mapping) & set(options.constants)
    if both:
        raise BadMapping(f"{', '.join(sorted(both))}: give either --map or --set, not both")
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
            raise BadMapping(
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


def _hinted(problem: ValueProblem, raw: str) -> str:
    reason = str(problem)
    if reason.startswith("not a number") and "," in raw:
        reason += " (if commas are decimal separators in this file, pass --decimal-comma)"
    return reason


def _key(column: str) -> str:
    return re.sub(r"[\s_\-]+", "_", column.strip().lower())


def _label(column: str, name: str) -> str:
    return column if _key(column) == name else f"{column} ({name})"
