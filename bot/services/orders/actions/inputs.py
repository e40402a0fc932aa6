"""What a rep can say when acting on an order: reasons, contact channels, outcomes, free text."""

from __future__ import annotations

from enum import StrEnum

from bot.services.core.errors import InvalidInput

# Slack's limit for one section's text: a note of this size still shows whole on the card.
TEXT_LIMIT = 3_000


class EtaReason(StrEnum):
    """Why an ETA moved."""

    SUPPLIER_DELAY = "supplier_delay"
    STOCK_ALLOCATION = "stock_allocation"
    TRANSPORT = "transport"
    QUALITY_HOLD = "quality_hold"
    CUSTOMER_REQUEST = "customer_request"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _ETA_REASON_LABELS[self]


_ETA_REASON_LABELS = {
    EtaReason.SUPPLIER_DELAY: "Supplier delay",
    EtaReason.STOCK_ALLOCATION: "Stock allocation",
    EtaReason.TRANSPORT: "Transport",
    EtaReason.QUALITY_HOLD: "Quality hold",
    EtaReason.CUSTOMER_REQUEST: "Customer request",
    EtaReason.OTHER: "Other",
}


class ContactChannel(StrEnum):
    """How the customer was contacted."""

    EMAIL = "email"
    PHONE = "phone"
    CHAT = "chat"
    MEETING = "meeting"
    HELPDESK = "helpdesk"  # an update handed to the helpdesk webhook (or sent from it by hand)
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ContactOutcome(StrEnum):
    """What came of a contact attempt."""

    INFORMED = "informed"
    LEFT_MESSAGE = "left_message"
    NO_ANSWER = "no_answer"
    CUSTOMER_ACCEPTED = "customer_accepted"
    CUSTOMER_ESCALATED = "customer_escalated"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]

    @property
    def reached_customer(self) -> bool:
        """Did the customer hear the news? A voicemail or no answer does not count."""
        return self in _REACHED


_OUTCOME_LABELS = {
    ContactOutcome.INFORMED: "Customer informed",
    ContactOutcome.LEFT_MESSAGE: "Left a message",
    ContactOutcome.NO_ANSWER: "No answer",
    ContactOutcome.CUSTOMER_ACCEPTED: "Customer accepted",
    ContactOutcome.CUSTOMER_ESCALATED: "Customer escalated",
}
_REACHED = frozenset(
    {ContactOutcome.INFORMED, ContactOutcome.CUSTOMER_ACCEPTED, ContactOutcome.CUSTOMER_ESCALATED}
)


def required_text(field: str, text: str | None, missing: str) -> str:
    """The text as written (any language, emoji, several lines); `missing` when blank."""
    if text is None or not text.strip():
        raise InvalidInput(field, missing)
    return _within_limit(field, text)


def optional_text(field: str, text: str | None) -> str | None:
    """The text as written, or None when blank."""
    if text is None or not text.strip():
        return None
    return _within_limit(field, text)


def _within_limit(field: str, text: str) -> str:
    if len(text) > TEXT_LIMIT:
        raise InvalidInput(
            field, f"Keep it to {TEXT_LIMIT:,} characters; this one has {len(text):,}."
        )
    return text
