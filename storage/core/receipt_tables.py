"""Slack events already received: one row per event_id, so a redelivery is handled once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.core.types import UTCDateTime


class SlackEventReceipt(SQLModel, table=True):
    """The first delivery of one Events API event; the unique event_id decides who handles it."""

    __tablename__ = "slack_event_receipts"
    __table_args__ = (
        UniqueConstraint("event_id", name="uq_slack_event_receipts_event_id"),
        Index("ix_slack_event_receipts_received_at", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=64)  # Slack's Ev…, the same on every retry
    event_type: str = Field(max_length=64)  # app_home_opened, … (for reading the table)
    received_by: str = Field(max_length=128)  # host:pid of the process that handles it
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
