"""A feedback note as logged and as stored: its text, customer and classification rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.services.core.errors import InvalidInput
from bot.services.feedback.entries import (
    CUSTOMER_LIMIT,
    TEXT_LIMIT,
    classification,
    customer_name,
    entry_of,
    feedback_text,
)
from storage.feedback.tables import Feedback, FeedbackTag, Sentiment

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def stored(**overrides: Any) -> Feedback:
    values: dict[str, Any] = {
        "id": 7,
        "order_id": 3,
        "customer": "Acme Hospital",
        "text": "Where is my order?",
        "sentiment": "negative",
        "logged_by": "UREP00001",
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    return Feedback(**values)


def test_feedback_text_is_kept_exactly_as_written():
    text = " Noch keine Lieferung 😠\n<3 weeks> & counting "

    assert feedback_text(text) == text


@pytest.mark.parametrize("blank", [None, "", " \n\t "])
def test_feedback_text_refuses_a_blank_note(blank: str | None):
    with pytest.raises(InvalidInput) as refused:
        feedback_text(blank)

    assert refused.value.field == "text"


def test_feedback_text_refuses_past_the_limit_saying_how_long_it_is():
    assert feedback_text("x" * TEXT_LIMIT) == "x" * TEXT_LIMIT
    with pytest.raises(InvalidInput) as refused:
        feedback_text("x" * (TEXT_LIMIT + 1))

    assert refused.value.message == "Keep it to 40,000 characters; this one has 40,001."


def test_customer_name_is_trimmed():
    assert customer_name("  Hooli  ") == "Hooli"


@pytest.mark.parametrize("name", [None, "", "   ", "x" * (CUSTOMER_LIMIT + 1)])
def test_customer_name_refuses_a_blank_or_too_long_name_on_the_target_field(name: str | None):
    with pytest.raises(InvalidInput) as refused:
        customer_name(name)

    assert refused.value.field == "target"


def test_customer_name_of_exactly_the_column_size_is_accepted():
    assert customer_name(" " + "x" * CUSTOMER_LIMIT + " ") == "x" * CUSTOMER_LIMIT


def test_classification_reads_sentiment_then_tags_in_declared_order():
    tags = [FeedbackTag.PRICING, FeedbackTag.DELAY_COMPLAINT]

    assert classification(Sentiment.NEGATIVE, tags) == "Negative · Delay complaint, Pricing"


def test_classification_without_sentiment_or_tags_says_so():
    assert classification(None, []) == "Sentiment not set · no tags"


def test_entry_of_a_stored_row_orders_its_tags_and_drops_unknown_ones():
    row = stored()

    entry = entry_of(row, ["praise", "delay_complaint", "retired_tag"], "SO-3")

    assert entry.tags == (FeedbackTag.DELAY_COMPLAINT, FeedbackTag.PRAISE)
    assert (entry.id, entry.order_id, entry.external_id) == (7, 3, "SO-3")
    assert entry.sentiment is Sentiment.NEGATIVE
    assert entry.summary == "Negative · Delay complaint, Praise"


def test_entry_of_a_row_without_sentiment_or_order():
    row = stored(sentiment=None, order_id=None)

    entry = entry_of(row, [], None)

    assert (entry.sentiment, entry.order_id, entry.external_id, entry.tags) == (
        None,
        None,
        None,
        (),
    )
