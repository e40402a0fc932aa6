"""Storage: SQLModel tables, engine and sessions, named queries, Alembic migrations."""

# Every table registers on the metadata (Alembic compares against all of them).
from storage import (  # noqa: F401
    alert_models,
    digest_models,
    event_models,
    feedback_models,
    ingest_models,
    models,
)
