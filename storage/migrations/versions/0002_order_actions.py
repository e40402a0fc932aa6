"""order actions: the order's Slack thread and expedite requests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:12:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.core.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Adding nullable columns needs no table rebuild, even on SQLite.
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("thread_channel", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("thread_ts", sa.String(length=32), nullable=True))

    op.create_table(
        "expedite_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=255), nullable=True),
        sa.Column("decided_at", storage.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", storage.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'denied')", name="ck_expedite_requests_status"
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("expedite_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_expedite_requests_order_status", ["order_id", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("expedite_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_expedite_requests_order_status")

    op.drop_table("expedite_requests")
    # A batch rebuild of orders would DROP the table order_events points at (refused while
    # foreign keys are on); SQLite 3.35+ drops a plain column in place instead.
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("thread_ts")
        batch_op.drop_column("thread_channel")
