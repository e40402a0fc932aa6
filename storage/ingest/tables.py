"""Tables of the order feeds: ingest API idempotency keys and the upstream sync's state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String, Text
from sqlmodel import Field, SQLModel

from storage.core.types import UTCDateTime


class IdempotencyKey(SQLModel, table=True):
    """A POST's Idempotency-Key with the result to replay; the unique key decides who writes."""

    __tablename__ = "api_idempotency_keys"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(255), nullable=False, unique=True))
    fingerprint: str = Field(max_length=64)  # SHA-256 of the request's canonical JSON
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class SyncState(SQLModel, table=True):
    """One upstream feed's watermark and health, shared by every bot process."""

    __tablename__ = "sync_state"

    name: str = Field(sa_column=Column(String(64), primary_key=True))
    watermark: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_run_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_success_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    last_error_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    consecutive_failures: int = Field(default=0)
    last_changed: int = Field(default=0)  # orders created or updated by the last good run
    last_rejected: int = Field(default=0)  # records of the last good run that could not be read
    last_problem: str | None = Field(default=None, sa_column=Column(Text))  # one of those reasons
    running_since: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
