"""Digest subscriptions and their delivery claims (one row per subscription and slot)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.core.types import UTCDateTime


class DigestSubscription(SQLModel, table=True):
    """A channel's scheduled digest of lagging orders."""

    __tablename__ = "digest_subscriptions"

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=32, index=True)
    # "lagging" (the lagging-orders digest) or "feedback" (the weekly customer-feedback report).
    kind: str = Field(
        default="lagging",
        sa_column=Column(String(16), nullable=False, server_default="lagging"),
    )
    created_by: str = Field(max_length=32)  # Slack user id: told when delivery fails
    days: str = Field(max_length=64)  # "mon-fri"
    times: str = Field(max_length=128)  # "08:30,16:00" in `zone`
    zone: str = Field(max_length=64)  # IANA name
    filters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    min_age_days: int = Field(default=0)
    max_rows: int = Field(default=200)
    grouping: str = Field(default="owner", max_length=16)
    skip_when_empty: bool = Field(default=False)
    only_changes: bool = Field(default=False)
    paused: bool = Field(default=False)
    grace_minutes: int = Field(default=60)  # how late a missed slot may still be delivered
    # Lag thresholds in business days (migration 0005); the rules' defaults unless changed.
    stale_after_days: int = Field(default=5)
    aging_after_days: int = Field(default=20)
    last_success_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    last_error_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class RunStatus(StrEnum):
    """Where one delivery stands."""

    CLAIMED = "claimed"  # a process took the slot and is posting
    POSTED = "posted"
    SKIPPED = "skipped"  # nothing to say and the subscription skips empty digests
    FAILED = "failed"


class DigestRun(SQLModel, table=True):
    """The claim on one slot of one subscription: the unique key decides who posts."""

    __tablename__ = "digest_runs"
    __table_args__ = (
        UniqueConstraint("subscription_id", "slot_key", name="uq_digest_runs_slot"),
        Index("ix_digest_runs_status_claimed", "status", "claimed_at"),
        CheckConstraint(
            "status IN ('claimed', 'posted', 'skipped', 'failed')", name="ck_digest_runs_status"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="digest_subscriptions.id", nullable=False)
    slot_key: str = Field(max_length=32)  # the local wall-clock slot, e.g. 2026-03-29T08:30
    scheduled_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    status: RunStatus = Field(
        default=RunStatus.CLAIMED, sa_column=Column(String(16), nullable=False)
    )
    claimed_by: str = Field(max_length=128)  # host:pid of the process that holds the claim
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    attempts: int = Field(default=1)
    posted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    message_ts: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, sa_column=Column(Text))
    # Migration 0005. Thread replies already posted: a takeover continues, never reposts.
    parts_posted: int = Field(default=0)
    # Every order the digest counted as lagging, {"ids": [...], "bits": [LagKind bits...]}:
    # the next digest's "new since last" and "resolved since last" compare against it.
    listed: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
