"""Alerts: one claim row per order transition (it became overdue, its ETA slipped)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.core.types import UTCDateTime


class AlertKind(StrEnum):
    """Which transition an alert announces."""

    OVERDUE = "overdue"  # the due date passed; keyed by that date
    SLIPPED = "slipped"  # the ETA moved later; keyed by the ETA change event


class AlertStatus(StrEnum):
    """Where one alert stands."""

    CLAIMED = "claimed"  # a process holds it and is posting (storage.core.claims.CLAIMED)
    POSTED = "posted"  # everything that was due went out
    SKIPPED = "skipped"  # nothing to post: the team has no channel, the order closed, ...
    FAILED = "failed"  # Slack refused for good (channel gone, bot not in it)


class Alert(SQLModel, table=True):
    """The claim on announcing one transition of one order: the unique key decides who posts."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("order_id", "kind", "transition", name="uq_alerts_transition"),
        Index("ix_alerts_status_claimed", "status", "claimed_at"),
        CheckConstraint("kind IN ('overdue', 'slipped')", name="ck_alerts_kind"),
        CheckConstraint(
            "status IN ('claimed', 'posted', 'skipped', 'failed')", name="ck_alerts_status"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", nullable=False)
    kind: AlertKind = Field(sa_column=Column(String(16), nullable=False))
    # The transition's identity: the due date that passed, or the slip event's id.
    transition: str = Field(max_length=32)
    due_date: date | None = Field(default=None)
    event_id: int | None = Field(default=None, foreign_key="order_events.id")
    status: AlertStatus = Field(
        default=AlertStatus.CLAIMED, sa_column=Column(String(16), nullable=False)
    )
    claimed_by: str = Field(max_length=128)  # host:pid of the process that holds the claim
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    attempts: int = Field(default=1)
    channel: str | None = Field(default=None, max_length=32)  # the team channel posted to
    line_ts: str | None = Field(default=None, max_length=32)  # the line in the order's thread
    dm_user: str | None = Field(default=None, max_length=32)  # the owner, as a Slack user id
    dm_ts: str | None = Field(default=None, max_length=32)
    detail: str | None = Field(default=None, sa_column=Column(Text))  # why skipped / failed
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
