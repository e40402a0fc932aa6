"""Index open orders by due date (ETA, else promise) for listings and digests

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = sa.text("closed_at IS NULL")


def upgrade() -> None:
    # Overdue listings filter and sort open orders by coalesce(current_eta, promised_date):
    # a partial expression index keeps that a short index range scan at a million orders.
    op.create_index(
        "ix_orders_open_due",
        "orders",
        [sa.text("coalesce(current_eta, promised_date)")],
        postgresql_where=_OPEN,
        sqlite_where=_OPEN,
        # PostgreSQL can count from the index alone only if it holds the underlying columns.
        postgresql_include=["current_eta", "promised_date", "closed_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_orders_open_due", table_name="orders")
