"""digest content: lag thresholds per subscription, what each run listed, skipped runs

Revision ID: 0005
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = "status IN ('claimed', 'posted', 'skipped', 'failed')"
_OLD_STATUSES = "status IN ('claimed', 'posted', 'failed')"


def upgrade() -> None:
    with op.batch_alter_table("digest_subscriptions", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("stale_after_days", sa.Integer(), nullable=False, server_default="5")
        )
        batch_op.add_column(
            sa.Column("aging_after_days", sa.Integer(), nullable=False, server_default="20")
        )
    # SQLite changes a CHECK constraint only by rebuilding the table (batch mode does that).
    with op.batch_alter_table("digest_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("parts_posted", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("listed", sa.JSON(), nullable=True))
        batch_op.drop_constraint("ck_digest_runs_status", type_="check")
        batch_op.create_check_constraint("ck_digest_runs_status", _STATUSES)


def downgrade() -> None:
    op.execute("UPDATE digest_runs SET status = 'posted' WHERE status = 'skipped'")
    with op.batch_alter_table("digest_runs", schema=None) as batch_op:
        batch_op.drop_constraint("ck_digest_runs_status", type_="check")
        batch_op.create_check_constraint("ck_digest_runs_status", _OLD_STATUSES)
        batch_op.drop_column("listed")
        batch_op.drop_column("parts_posted")
    # Dropping a column in place: rebuilding a table that runs refer to breaks their foreign key.
    with op.batch_alter_table("digest_subscriptions", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("aging_after_days")
        batch_op.drop_column("stale_after_days")
