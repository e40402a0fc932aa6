"""Storage: SQLModel tables, engine and sessions, named queries, Alembic migrations."""

# Every table registers on the metadata (Alembic compares against all of them).
from storage.alerts import tables as alert_tables  # noqa: F401
from storage.core import receipt_tables  # noqa: F401
from storage.digests import tables as digest_tables  # noqa: F401
from storage.feedback import tables as feedback_tables  # noqa: F401
from storage.ingest import tables as ingest_tables  # noqa: F401
from storage.orders import tables as order_tables  # noqa: F401
