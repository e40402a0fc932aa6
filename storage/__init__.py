"""Storage: SQLModel tables, engine and sessions, named queries, Alembic migrations."""

from storage import (  # noqa: F401 - every table registers on the metadata
    alert_models,
    digest_models,
    feedback_models,
    models,
)
