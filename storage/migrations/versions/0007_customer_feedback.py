"""customer feedback, its tags, and the kind of a digest subscription

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.core.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TAGS = (
    "tag IN ('delay_complaint', 'cancellation_threat', 'product_quality', 'pricing', 'praise',"
    " 'other')"
)


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("customer", sa.String(length=255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sentiment", sa.String(length=16), nullable=True),
        sa.Column("author", sa.String(length=255), nullable=True),
        sa.Column("logged_by", sa.String(length=255), nullable=False),
        sa.Column("follow_up_owner", sa.String(length=255), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("permalink", sa.String(length=1024), nullable=True),
        sa.Column("created_at", storage.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "sentiment IN ('negative', 'neutral', 'positive')", name="ck_feedback_sentiment"
        ),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_feedback_order_created", ["order_id", "created_at"], unique=False)

    op.create_table(
        "feedback_tags",
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=32), nullable=False),
        sa.CheckConstraint(_TAGS, name="ck_feedback_tags_tag"),
        sa.ForeignKeyConstraint(["feedback_id"], ["feedback.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("feedback_id", "tag"),
    )
    with op.batch_alter_table("feedback_tags", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_tags_tag", ["tag", "feedback_id"], unique=False)

    # Existing subscriptions are lagging-order digests; a column with a default needs no
    # table rebuild, even on SQLite.
    with op.batch_alter_table("digest_subscriptions", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="lagging")
        )


def downgrade() -> None:
    with op.batch_alter_table("digest_subscriptions", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("feedback_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_tags_tag")
    op.drop_table("feedback_tags")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_order_created")
        batch_op.drop_index("ix_feedback_created_at")
    op.drop_table("feedback")
