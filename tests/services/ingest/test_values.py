"""Value parsers: dates, numbers, statuses and people as exports write them."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.services.ingest.values import (
    DateOrder,
    ValueProblem,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_owner,
    parse_status,
)
from storage.orders.tables import OrderStatus

MDY, DMY = DateOrder.MDY, DateOrder.DMY


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2006-06-02", MDY, date(2006, 6, 2)),
        ("2006/06/02", DMY, date(2006, 6, 2)),
        ("2-Jun-06", MDY, date(2006, 6, 2)),
        ("02-Jun-2006", MDY, date(2006, 6, 2)),
        ("2 June 2006", MDY, date(2006, 6, 2)),
        ("Jun 2, 2006", MDY, date(2006, 6, 2)),
        ("06/02/2006", MDY, date(2006, 6, 2)),
        ("06/02/2006", DMY, date(2006, 2, 6)),
        ("6/2/06", MDY, date(2006, 6, 2)),
        ("02.06.2006", DMY, date(2006, 6, 2)),
        ("6/2/06 14:30", MDY, date(2006, 6, 2)),
        ("2006-06-02T10:00:00Z", MDY, date(2006, 6, 2)),
        ("1-Jan-99", MDY, date(1999, 1, 1)),
        ("1-Jan-68", MDY, date(2068, 1, 1)),
    ],
)
def test_parse_date_reads_common_export_formats(text: str, order: DateOrder, expected: date):
    assert parse_date(text, order) == expected


@pytest.mark.parametrize(
    ("text", "order", "message"),
    [
        ("Date Not Captured", MDY, "unreadable date 'Date Not Captured'"),
        ("See ASN-93 (ID#:1281)", MDY, "unreadable date"),
        ("13/02/2006", MDY, "pass --date-order dmy"),
        ("02/13/2006", DMY, "pass --date-order mdy"),
        ("31-Jun-06", MDY, "not a calendar date"),
        ("2-Foo-06", MDY, "unknown month 'Foo'"),
        ("2006-02-30", MDY, "not a calendar date"),
        ("6/2/06 25:00", MDY, "impossible time"),
    ],
)
def test_parse_date_explains_what_it_cannot_read(text: str, order: DateOrder, message: str):
    with pytest.raises(ValueProblem) as caught:
        parse_datetime(text, order, UTC)

    assert message in str(caught.value)


def test_parse_datetime_reads_naive_values_in_the_given_zone():
    berlin = ZoneInfo("Europe/Berlin")

    assert parse_datetime("2026-07-01 12:00", MDY, berlin) == datetime(2026, 7, 1, 10, tzinfo=UTC)
    assert parse_datetime("2026-01-01", MDY, berlin) == datetime(2025, 12, 31, 23, tzinfo=UTC)
    assert parse_datetime("2026-07-01T12:00:00+02:00", MDY, UTC) == datetime(
        2026, 7, 1, 10, tzinfo=UTC
    )
    assert parse_datetime("7/1/2026 2:30 PM", MDY, UTC) == datetime(2026, 7, 1, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1200", "1200"), ("1,200.50", "1200.50"), ("$1,200.50", "1200.50"), (" 0.97 ", "0.97")],
)
def test_parse_decimal_accepts_thousands_and_currency_signs(text: str, expected: str):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12,5", "12.5"), ("1.200,50", "1200.50"), ("€ 1.200", "1200"), ("1,200", "1.2"), ("7", "7")],
)
def test_parse_decimal_with_a_decimal_comma_reads_european_numbers(text: str, expected: str):
    assert parse_decimal(text, decimal_comma=True) == Decimal(expected)


@pytest.mark.parametrize(("text", "message"), [("abc", "not a number"), ("-1", "at least 0")])
def test_parse_decimal_rejects_garbage_and_negatives(text: str, message: str):
    with pytest.raises(ValueProblem, match=message):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shipped", OrderStatus.FILLED),
        ("canceled", OrderStatus.CANCELLED),
        ("Back-Ordered", OrderStatus.BACKORDERED),
        ("partially_filled", OrderStatus.PARTIALLY_FILLED),
        ("Partially Filled", OrderStatus.PARTIALLY_FILLED),
        ("OPEN", OrderStatus.RECEIVED),
    ],
)
def test_parse_status_knows_the_usual_synonyms(text: str, expected: OrderStatus):
    assert parse_status(text, {}) is expected


def test_parse_status_uses_the_imports_own_map_and_names_unknown_values():
    assert (
        parse_status("In Transit", {"in transit": OrderStatus.CONFIRMED}) is OrderStatus.CONFIRMED
    )
    with pytest.raises(ValueProblem, match="--status Teleported=STATUS"):
        parse_status("Teleported", {})


def test_parse_owner_accepts_slack_ids_mentions_and_emails():
    assert parse_owner("U0123ABCD") == "U0123ABCD"
    assert parse_owner("<@W0123ABCD>") == "W0123ABCD"
    assert parse_owner("Rep@Example.com") == "rep@example.com"
    with pytest.raises(ValueProblem, match="Slack user id"):
        parse_owner("bob")
