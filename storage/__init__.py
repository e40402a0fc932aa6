"""Storage: SQLModel tables, engine and sessions, named queries, Alembic migrations."""

# Every table registers on the metadata (Alembic compares against all of them).
from storage import digest_models, ingest_models, models  # noqa: F401
