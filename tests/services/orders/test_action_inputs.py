"""What a rep can say when acting on an order, and how values read in the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from bot.services.core.errors import InvalidInput
from bot.services.orders.actions.inputs import (
    TEXT_LIMIT,
    ContactChannel,
    ContactOutcome,
    EtaReason,
    optional_text,
    required_text,
)
from bot.services.orders.audit_values import as_text
from storage.orders.tables import OrderStatus


def test_required_text_is_kept_exactly_as_written():
    text = "  Lieferung verzögert 🚚\nsecond line  "

    assert required_text("note", text, "Write a note first.") == text


@pytest.mark.parametrize("blank", [None, "", "   ", "\n\t "])
def test_required_text_refuses_a_blank_with_the_given_message(blank: str | None):
    with pytest.raises(InvalidInput) as refused:
        required_text("reason", blank, "Say why the order can wait.")

    assert (refused.value.field, refused.value.message) == ("reason", "Say why the order can wait.")


@pytest.mark.parametrize("blank", [None, "", "  \n"])
def test_optional_text_reads_a_blank_as_none(blank: str | None):
    assert optional_text("note", blank) is None


def test_text_up_to_the_limit_is_accepted_and_one_more_character_refused():
    at_limit = "x" * TEXT_LIMIT

    accepted = optional_text("note", at_limit)
    with pytest.raises(InvalidInput) as refused:
        optional_text("note", at_limit + "x")

    assert accepted == at_limit
    assert (refused.value.field, refused.value.message) == (
        "note",
        "Keep it to 3,000 characters; this one has 3,001.",
    )


def test_every_eta_reason_and_contact_outcome_has_a_label():
    assert EtaReason.SUPPLIER_DELAY.label == "Supplier delay"
    assert ContactOutcome.LEFT_MESSAGE.label == "Left a message"
    assert ContactChannel.HELPDESK.label == "Helpdesk"
    assert all(reason.label for reason in EtaReason)
    assert all(outcome.label for outcome in ContactOutcome)


def test_only_outcomes_where_the_customer_heard_the_news_reached_them():
    reached = {outcome for outcome in ContactOutcome if outcome.reached_customer}

    assert reached == {
        ContactOutcome.INFORMED,
        ContactOutcome.CUSTOMER_ACCEPTED,
        ContactOutcome.CUSTOMER_ESCALATED,
    }


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        (date(2026, 12, 1), "2026-12-01"),
        (datetime(2026, 11, 24, 9, 30, tzinfo=UTC), "2026-11-24T09:30:00+00:00"),
        (
            datetime(2026, 11, 24, 9, 30, tzinfo=timezone(timedelta(hours=-5))),
            "2026-11-24T09:30:00-05:00",
        ),
        (Decimal("12.500"), "12.5"),
        (Decimal("1E+3"), "1000"),  # never in exponent form
        (Decimal("0.000"), "0"),
        (OrderStatus.BACKORDERED, "backordered"),
        (3, "3"),
        ("U0REP0001", "U0REP0001"),
        ("", ""),
    ],
)
def test_as_text_reads_values_for_the_audit_trail(value: object, text: str | None):
    assert as_text(value) == text
