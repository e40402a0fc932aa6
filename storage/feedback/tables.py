"""Customer feedback: one row per note, its tags in a table of their own (counted by SQL)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from storage.core.types import UTCDateTime


class Sentiment(StrEnum):
    """How the customer sounded."""

    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class FeedbackTag(StrEnum):
    """What the feedback is about; a note may carry several."""

    DELAY_COMPLAINT = "delay_complaint"
    CANCELLATION_THREAT = "cancellation_threat"
    PRODUCT_QUALITY = "product_quality"
    PRICING = "pricing"
    PRAISE = "praise"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Feedback(SQLModel, table=True):
    """A customer's words as a rep forwarded them, tied to an order or only to a customer."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_created_at", "created_at"),
        Index("ix_feedback_order_created", "order_id", "created_at"),
        CheckConstraint(
            "sentiment IN ('negative', 'neutral', 'positive')", name="ck_feedback_sentiment"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int | None = Field(default=None, foreign_key="orders.id")
    customer: str = Field(sa_column=Column(String(255), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))  # stored exactly as written
    sentiment: Sentiment | None = Field(default=None, sa_column=Column(String(16)))
    author: str | None = Field(default=None, max_length=255)  # who wrote the message
    logged_by: str = Field(max_length=255)  # the rep who forwarded it
    follow_up_owner: str | None = Field(default=None, max_length=255)
    channel_id: str | None = Field(default=None, max_length=32)  # the message it came from
    message_ts: str | None = Field(default=None, max_length=32)
    permalink: str | None = Field(default=None, max_length=1024)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


_TAG_VALUES = ", ".join(f"'{tag.value}'" for tag in FeedbackTag)


class FeedbackTagLink(SQLModel, table=True):
    """One tag of one feedback note."""

    __tablename__ = "feedback_tags"
    __table_args__ = (
        Index("ix_feedback_tags_tag", "tag", "feedback_id"),
        CheckConstraint(f"tag IN ({_TAG_VALUES})", name="ck_feedback_tags_tag"),
    )

    feedback_id: int = Field(
        sa_column=Column(Integer, ForeignKey("feedback.id", ondelete="CASCADE"), primary_key=True)
    )
    tag: FeedbackTag = Field(sa_column=Column(String(32), primary_key=True))
