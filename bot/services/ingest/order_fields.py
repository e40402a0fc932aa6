"""The canonical order fields and how a source's values become them (CSV, ingest API, sync)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from decimal import Decimal
from typing import Any

from bot.services.ingest.order_writer import DESCRIPTIVE_FIELDS, OrderInput
from bot.services.ingest.values import (
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
from storage.orders.tables import OrderStatus

REQUIRED_FIELDS = ("order_id", "customer", "ordered_at", "promised_date")
OPTIONAL_FIELDS = (*DESCRIPTIVE_FIELDS, "status", "eta", "updated_at")
ALL_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
TEXT_LIMITS = {"order_id": 128, "customer": 255, "team": 128, "sku": 128, "supplier": 255}
_STORED_LIMITS = {"customer_email": 255, "owner": 255}
# Numeric(18, 3) and Numeric(18, 2) columns: anything this large is a mistake, not an order.
_QUANTITY_BELOW = Decimal(10) ** 15
_VALUE_BELOW = Decimal(10) ** 16
_PLACES_3, _PLACES_2 = Decimal("0.001"), Decimal("0.01")
NUMBER_FIELDS = frozenset({"quantity", "value"})

_Parser = Callable[[str], Any]


@dataclass(frozen=True)
class ValueFormat:
    """How to read one source's values: ambiguous dates, dates without offset, extra statuses."""

    date_order: DateOrder = DateOrder.MDY
    timezone: tzinfo = UTC
    status_map: Mapping[str, OrderStatus] = field(default_factory=dict)  # source value -> status
    decimal_comma: bool = False  # 1.200,50 and 12,5 (exports of comma-decimal locales)


@dataclass(frozen=True)
class FieldProblem:
    """One value that cannot be read, with the reason in words."""

    field: str
    reason: str


class FieldParsers:
    """Turns one field's text into its value; every source gets the same messages."""

    def __init__(self, fmt: ValueFormat) -> None:
        self._parsers = _parsers(fmt)

    def parse(self, name: str, raw: str) -> Any:
        """The value of field `name`, or ValueProblem saying why `raw` is not one."""
        _storable(raw)
        value = self._parsers[name](raw)
        limit = _STORED_LIMITS.get(name)
        if limit is not None and len(value) > limit:
            raise ValueProblem(f"longer than {limit} characters ({len(value)})")
        return value


def _storable(raw: str) -> None:
    # Neither database stores NUL in text, and a lone surrogate has no UTF-8 form.
    if "\x00" in raw:
        raise ValueProblem("contains a NUL character")
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueProblem("is not valid Unicode (a lone surrogate)") from None


class RecordReader:
    """Reads JSON-like records keyed by canonical field name into OrderInputs.

    Strings and numbers are read like CSV cells; null or "" means "not stated" (a stored value
    is never erased), as an empty cell does in an import.
    """

    def __init__(self, fmt: ValueFormat) -> None:
        self._parsers = FieldParsers(fmt)

    def read(
        self,
        record: Mapping[str, Any],
        origin: str,
        required: Collection[str] = REQUIRED_FIELDS,
    ) -> OrderInput | list[FieldProblem]:
        """The order `record` states, or every problem found in it (`required` fields too)."""
        values: dict[str, Any] = {}
        problems: list[FieldProblem] = []
        for name in ALL_FIELDS:
            try:
                raw = text_of(name, record.get(name))
                if raw:
                    values[name] = self._parsers.parse(name, raw)
                elif name in required:
                    state = "missing" if name not in record else "empty"
                    problems.append(FieldProblem(name, f"required, but {state}"))
            except ValueProblem as exc:
                problems.append(FieldProblem(name, str(exc)))
        if problems:
            return problems
        return OrderInput(values.pop("order_id"), values, origin=origin)


def text_of(name: str, value: Any) -> str:
    """A JSON value as the text a CSV cell would hold; "" for null.

    Numbers are taken for quantity and value (and whole numbers for order_id); anything else
    must be a string.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    numeric = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    if numeric and (name in NUMBER_FIELDS or (name == "order_id" and isinstance(value, int))):
        return str(value)
    expected = _EXPECTED.get(name, "a string")
    raise ValueProblem(f"must be {expected}, not {kind_of(value)}")


_EXPECTED = {
    "quantity": "a number or a string",
    "value": "a number or a string",
    "order_id": "a string or a whole number",
}


def kind_of(value: Any) -> str:
    """What sort of JSON value this is, in words."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return f"a number ({value})" if isinstance(value, int | float | Decimal) else "a string"


def _parsers(fmt: ValueFormat) -> dict[str, _Parser]:
    order, zone, comma = fmt.date_order, fmt.timezone, fmt.decimal_comma
    extra = {status_key(k): v for k, v in fmt.status_map.items()}
    parsers: dict[str, _Parser] = {
        "ordered_at": lambda raw: parse_datetime(raw, order, zone),
        "updated_at": lambda raw: parse_datetime(raw, order, zone),
        "promised_date": lambda raw: parse_date(raw, order),
        "eta": lambda raw: parse_date(raw, order),
        "quantity": lambda raw: parse_decimal(
            raw, below=_QUANTITY_BELOW, decimal_comma=comma
        ).quantize(Decimal("0.001")),
        "value": lambda raw: parse_decimal(raw, below=_VALUE_BELOW, decimal_comma=comma).quantize(
            Decimal("0.01")
        ),
        "currency": parse_currency,
        "customer_email": parse_email,
        "owner": parse_owner,
        "status": lambda raw: parse_status(raw, extra),
    }
    for name in ("order_id", "customer", "team", "sku", "product", "supplier"):
        parsers[name] = _text_parser(name)
    return parsers


def _text_parser(name: str) -> _Parser:
    limit = TEXT_LIMITS.get(name)

    def parse(raw: str) -> str:
        if limit is not None and len(raw) > limit:
            raise ValueProblem(f"longer than {limit} characters ({len(raw)})")
        return raw

    return parse
