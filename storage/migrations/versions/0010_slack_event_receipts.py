"""slack_event_receipts: one row per Events API event_id, so retries are handled once

Revision ID: 0010
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.core.types

revision: str = "0010"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_event_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("received_by", sa.String(length=128), nullable=False),
        sa.Column("received_at", storage.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", name="uq_slack_event_receipts_event_id"),
    )
    with op.batch_alter_table("slack_event_receipts", schema=None) as batch_op:
        batch_op.create_index("ix_slack_event_receipts_received_at", ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("slack_event_receipts", schema=None) as batch_op:
        batch_op.drop_index("ix_slack_event_receipts_received_at")
    op.drop_table("slack_event_receipts")
