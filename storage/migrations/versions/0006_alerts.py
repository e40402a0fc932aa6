"""alerts: one claim row per order transition (overdue, ETA slipped); recent ETA changes index

Revision ID: 0006
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.core.types

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("transition", sa.String(length=32), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=False),
        sa.Column("claimed_at", storage.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("line_ts", sa.String(length=32), nullable=True),
        sa.Column("dm_user", sa.String(length=32), nullable=True),
        sa.Column("dm_ts", sa.String(length=32), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("finished_at", storage.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('overdue', 'slipped')", name="ck_alerts_kind"),
        sa.CheckConstraint(
            "status IN ('claimed', 'posted', 'skipped', 'failed')", name="ck_alerts_status"
        ),
        sa.ForeignKeyConstraint(["event_id"], ["order_events.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "kind", "transition", name="uq_alerts_transition"),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_status_claimed", ["status", "claimed_at"], unique=False)
    # Slip alerts read the ETA changes of the last few days: a short index range scan.
    # A plain CREATE INDEX: a batch operation could rebuild order_events without its triggers.
    op.create_index("ix_order_events_kind_at", "order_events", ["kind", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_order_events_kind_at", table_name="order_events")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_status_claimed")
    op.drop_table("alerts")
