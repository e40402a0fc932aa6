"""What the feedback services take and give: a note as a rep logs it, a note as stored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.services.core.errors import InvalidInput, NotFound
from storage.feedback.tables import Feedback, FeedbackTag, Sentiment

# Slack truncates a message's text at 40,000 characters: any message fits whole.
TEXT_LIMIT = 40_000
CUSTOMER_LIMIT = 255  # the customer column's size


class FeedbackNotFound(NotFound):
    """No feedback note has that id."""

    def __init__(self, feedback_id: int) -> None:
        super().__init__(f"no feedback {feedback_id}")
        self.feedback_id = feedback_id


@dataclass(frozen=True)
class FeedbackInput:
    """A note as a rep logs it: an order id or, without an order, a customer."""

    text: str
    sentiment: Sentiment | None = None
    tags: frozenset[FeedbackTag] = frozenset()
    external_id: str | None = None
    customer: str | None = None
    author: str | None = None  # who wrote the forwarded message
    follow_up_owner: str | None = None
    channel_id: str | None = None
    message_ts: str | None = None
    permalink: str | None = None


@dataclass(frozen=True)
class FeedbackEntry:
    """A stored note with its tags and, when tied to one, its order's id."""

    id: int
    customer: str
    text: str
    sentiment: Sentiment | None
    tags: tuple[FeedbackTag, ...]
    logged_by: str
    created_at: datetime
    external_id: str | None = None
    order_id: int | None = None
    author: str | None = None
    follow_up_owner: str | None = None
    permalink: str | None = None

    @property
    def summary(self) -> str:
        """ "Negative · Delay complaint, Pricing" (what the note was classed as)."""
        return classification(self.sentiment, self.tags)


@dataclass(frozen=True)
class LoggedFeedback:
    """What logging did: the note, and whether it was a repeat that wrote nothing."""

    entry: FeedbackEntry
    duplicate: bool = False


@dataclass(frozen=True)
class TargetSuggestions:
    """Type-ahead answers: open orders, then customers (for feedback without an order)."""

    orders: list[tuple[str, str]] = field(default_factory=list)  # (external id, customer)
    customers: list[str] = field(default_factory=list)


def entry_of(row: Feedback, tags: Iterable[str], external_id: str | None) -> FeedbackEntry:
    """The stored row as an entry; tags in their declared order."""
    assert row.id is not None
    wanted = set(tags)
    return FeedbackEntry(
        id=row.id,
        customer=row.customer,
        text=row.text,
        sentiment=Sentiment(row.sentiment) if row.sentiment else None,
        tags=tuple(tag for tag in FeedbackTag if tag.value in wanted),
        logged_by=row.logged_by,
        created_at=row.created_at,
        external_id=external_id,
        order_id=row.order_id,
        author=row.author,
        follow_up_owner=row.follow_up_owner,
        permalink=row.permalink,
    )


def classification(sentiment: Sentiment | None, tags: Iterable[FeedbackTag]) -> str:
    """Sentiment and tags in words, for the audit trail and the card."""
    tagged = ", ".join(tag.label for tag in FeedbackTag if tag in set(tags)) or "no tags"
    return f"{sentiment.label if sentiment else 'Sentiment not set'} · {tagged}"


def feedback_text(text: str | None) -> str:
    """The note exactly as written (any language, emoji, several lines); refused when blank."""
    if text is None or not text.strip():
        raise InvalidInput("text", "Write the customer's feedback (it cannot be empty).")
    if len(text) > TEXT_LIMIT:
        raise InvalidInput(
            "text", f"Keep it to {TEXT_LIMIT:,} characters; this one has {len(text):,}."
        )
    return text


def customer_name(name: str | None) -> str:
    """A customer named without an order."""
    cleaned = (name or "").strip()
    if not cleaned:
        raise InvalidInput("target", "Pick an order, or a customer without an order.")
    if len(cleaned) > CUSTOMER_LIMIT:
        raise InvalidInput("target", f"Keep the customer's name to {CUSTOMER_LIMIT} characters.")
    return cleaned
