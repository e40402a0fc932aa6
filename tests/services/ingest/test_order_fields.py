"""Shared field parsing: values that used to crash an import are now reasons, JSON types."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.services.ingest.order_fields import FieldParsers, FieldProblem, RecordReader, ValueFormat
from bot.services.ingest.order_writer import OrderInput
from bot.services.ingest.values import ValueProblem


@pytest.mark.parametrize(
    ("name", "raw", "reason"),
    [
        ("ordered_at", "9999-12-31T23:00-05:00", "'9999-12-31T23:00-05:00' is out of range in UTC"),
        ("ordered_at", "2026-01-01T00:00+99:99", "impossible UTC offset '+99:99' (e.g. +02:00)"),
        ("quantity", "1e400", "must be less than 1,000,000,000,000,000, got '1e400'"),
        ("value", "12345678901234567", "must be less than 10,000,000,000,000,000"),
        ("customer", "Acme\x00", "contains a NUL character"),
        ("product", "\ud800", "is not valid Unicode (a lone surrogate)"),
        ("customer_email", "a@" + "b" * 260 + ".com", "longer than 255 characters (266)"),
    ],
)
def test_values_the_database_cannot_hold_are_reasons_not_crashes(name: str, raw: str, reason: str):
    with pytest.raises(ValueProblem) as problem:
        FieldParsers(ValueFormat()).parse(name, raw)

    assert str(problem.value).startswith(reason)


def test_record_reader_takes_json_numbers_where_numbers_belong():
    record = {
        "order_id": 4711,
        "customer": " Acme ",
        "ordered_at": "2026-11-01",
        "promised_date": "2026-11-30",
        "quantity": Decimal("2.5"),
        "value": 10,
        "team": None,
        "sku": "",
    }

    read = RecordReader(ValueFormat()).read(record, "test")

    assert isinstance(read, OrderInput)
    assert read.external_id == "4711"
    assert (read.fields["customer"], read.fields["quantity"], read.fields["value"]) == (
        "Acme",
        Decimal("2.500"),
        Decimal("10.00"),
    )
    assert "team" not in read.fields and "sku" not in read.fields


def test_record_reader_names_wrong_json_types():
    record = {"order_id": 1.5, "customer": ["A"], "ordered_at": True, "promised_date": {}}

    read = RecordReader(ValueFormat()).read(record, "test")

    assert read == [
        FieldProblem("order_id", "must be a string or a whole number, not a number (1.5)"),
        FieldProblem("customer", "must be a string, not an array"),
        FieldProblem("ordered_at", "must be a string, not true/false"),
        FieldProblem("promised_date", "must be a string, not an object"),
    ]
