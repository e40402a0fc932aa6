"""SQLModel tables: orders and their append-only event log."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Index, Numeric, String, Text, text
from sqlmodel import Field, SQLModel

from storage.core.types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


class OrderStatus(StrEnum):
    """Where an order stands; open vs closed is derived from it, never stored twice."""

    RECEIVED = "received"  # received, not yet filled
    CONFIRMED = "confirmed"
    BACKORDERED = "backordered"  # backordered or delayed
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self not in CLOSED_STATUSES

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


CLOSED_STATUSES = frozenset({OrderStatus.FILLED, OrderStatus.CANCELLED})
OPEN_STATUSES = frozenset(OrderStatus) - CLOSED_STATUSES
_STATUS_LABELS = {
    OrderStatus.RECEIVED: "Received, not filled",
    OrderStatus.CONFIRMED: "Confirmed",
    OrderStatus.BACKORDERED: "Backordered / delayed",
    OrderStatus.PARTIALLY_FILLED: "Partially filled",
    OrderStatus.FILLED: "Filled",
    OrderStatus.CANCELLED: "Cancelled",
}


class EventSource(StrEnum):
    """Where a change came from."""

    IMPORT = "import"
    SLACK = "slack"
    API = "api"
    SYNC = "sync"


class EventKind(StrEnum):
    """What an order event records."""

    CREATED = "created"
    FIELD_CHANGED = "field_changed"
    ETA_CHANGED = "eta_changed"
    STATUS_CHANGED = "status_changed"
    CONTACT_LOGGED = "contact_logged"
    NOTE_ADDED = "note_added"
    OWNER_CHANGED = "owner_changed"
    SNOOZED = "snoozed"
    EXPEDITE_REQUESTED = "expedite_requested"
    EXPEDITE_DECIDED = "expedite_decided"
    FEEDBACK_LOGGED = "feedback_logged"
    FEEDBACK_UPDATED = "feedback_updated"


class Order(SQLModel, table=True):
    """One customer order line in the backlog."""

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_status_promised", "status", "promised_date"),
        Index("ix_orders_owner_status", "owner", "status"),
        Index("ix_orders_team_status", "team", "status"),
        # Open orders by due date (migration 0003): overdue listings and digests.
        Index(
            "ix_orders_open_due",
            text("coalesce(current_eta, promised_date)"),
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
            postgresql_include=["current_eta", "promised_date", "closed_at"],
        ),
        # Each owner's open orders by due date (migration 0009): `/backlog mine`.
        Index(
            "ix_orders_open_owner_due",
            "owner",
            text("coalesce(current_eta, promised_date)"),
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
            postgresql_include=["current_eta", "promised_date", "closed_at"],
        ),
        CheckConstraint(
            "status IN ('received', 'confirmed', 'backordered', 'partially_filled', 'filled',"
            " 'cancelled')",
            name="ck_orders_status",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(sa_column=Column(String(128), nullable=False, unique=True))
    customer: str = Field(sa_column=Column(String(255), nullable=False, index=True))
    customer_email: str | None = Field(default=None, max_length=255)
    owner: str | None = Field(default=None, max_length=255)  # Slack user id or email
    team: str | None = Field(default=None, max_length=128)
    sku: str | None = Field(default=None, max_length=128, index=True)
    product: str | None = Field(default=None, sa_column=Column(Text))
    supplier: str | None = Field(default=None, max_length=255, index=True)
    quantity: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 3)))
    value: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 2)))
    currency: str | None = Field(default=None, max_length=3)
    status: OrderStatus = Field(
        default=OrderStatus.RECEIVED, sa_column=Column(String(32), nullable=False)
    )
    ordered_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    promised_date: date = Field(nullable=False)  # the original promise: never overwritten
    current_eta: date | None = Field(default=None, index=True)
    slip_count: int = Field(default=0, nullable=False)
    days_slipped: int = Field(default=0, nullable=False)
    eta_changed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_activity_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_contact_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    snoozed_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    source_updated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    version: int = Field(default=1, nullable=False)  # optimistic concurrency check
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # The order's thread in its team channel: where every action on the order is echoed.
    thread_channel: str | None = Field(default=None, max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)

    @property
    def is_open(self) -> bool:
        return OrderStatus(self.status).is_open


class OrderEvent(SQLModel, table=True):
    """An append-only record of one change to an order (database triggers refuse edits)."""

    __tablename__ = "order_events"
    __table_args__ = (
        Index("ix_order_events_order_at", "order_id", "at"),
        # Recent ETA changes, for slip alerts (migration 0006).
        Index("ix_order_events_kind_at", "kind", "at"),
        CheckConstraint("source IN ('import', 'slack', 'api', 'sync')", name="ck_events_source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", nullable=False)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor: str = Field(max_length=255)  # Slack user id, API client, or "import:<file>"
    source: EventSource = Field(sa_column=Column(String(16), nullable=False))
    kind: EventKind = Field(sa_column=Column(String(32), nullable=False))
    field: str | None = Field(default=None, max_length=64)
    old_value: str | None = Field(default=None, sa_column=Column(Text))
    new_value: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, sa_column=Column(Text))


class ExpediteStatus(StrEnum):
    """Where an expedite request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


class ExpediteRequest(SQLModel, table=True):
    """A rep asking the leads to hurry an order; at most one is pending per order."""

    __tablename__ = "expedite_requests"
    __table_args__ = (
        Index("ix_expedite_requests_order_status", "order_id", "status"),
        CheckConstraint(
            "status IN ('pending', 'approved', 'denied')", name="ck_expedite_requests_status"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", nullable=False)
    requested_by: str = Field(max_length=255)  # Slack user id
    reason: str = Field(sa_column=Column(Text, nullable=False))
    status: ExpediteStatus = Field(
        default=ExpediteStatus.PENDING, sa_column=Column(String(16), nullable=False)
    )
    decided_by: str | None = Field(default=None, max_length=255)
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    decision_note: str | None = Field(default=None, sa_column=Column(Text))
    channel: str | None = Field(default=None, max_length=32)  # the leads' message about it
    message_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
